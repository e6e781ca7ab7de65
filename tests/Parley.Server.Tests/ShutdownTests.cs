using System.Collections.Concurrent;
using System.Text;
using Parley.Client;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

public class ShutdownTests
{
    const int Clients = 3;
    const int LoopsPerClient = 4;
    const int PushesPerLoop = 150;
    static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_sigterm_under_push_load_exits_cleanly_and_keeps_every_acknowledged_update()
    {
        var data = Directory.CreateTempSubdirectory("parley-sigterm-").FullName;
        var acknowledged = new ConcurrentDictionary<long, string>();
        var failures = new ConcurrentBag<Exception>();
        NewRoom room;
        MemberCredentials creator;
        int exitCode;
        await using (var server = await ParleyServerProcess.StartAsync(data, new Dictionary<string, string>
                     {
                         ["Parley__ShutdownTimeout"] = ShutdownTimeout.ToString(),
                         ["Parley__HubCallsPerSecond"] = "100000",
                         ["Parley__SnapshotEveryUpdates"] = "1000000",
                     }))
        {
            using var http = server.CreateHttpClient();
            room = await RoomSession.CreateRoomAsync(http);
            var (alice, _) = await RoomSession.JoinAsCreatorAsync(server.BaseUri, room);
            creator = alice.Credentials;
            var sessions = new List<RoomSession> { alice };
            for (var i = 1; i < Clients; i++) sessions.Add((await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret)).Session);

            // Each client pushes from several loops at once, so batches form; a loop ends at its first failure.
            var load = sessions.SelectMany((session, c) => Enumerable.Range(0, LoopsPerClient).Select(loop => Task.Run(async () =>
            {
                for (var i = 0; i < PushesPerLoop; i++)
                {
                    var text = $"client {c} loop {loop} push {i}";
                    try { acknowledged[(await session.PushUpdateAsync(Encoding.UTF8.GetBytes(text))).Seq] = text; }
                    catch (Exception e)
                    {
                        failures.Add(e);
                        return;
                    }
                }
            }))).ToList();

            await Eventually.True(() => acknowledged.Count >= 200, "the load to be under way", 30_000);
            exitCode = await server.TerminateAsync(ShutdownTimeout * 2);
            await Task.WhenAll(load);
            foreach (var s in sessions) await s.DisposeAsync();
        }

        Assert.Equal(0, exitCode);
        Assert.True(acknowledged.Count < Clients * LoopsPerClient * PushesPerLoop, "the stop came after the load was over");
        // After the stop began a push was refused as the server being unavailable, or its connection closed: nothing else.
        Assert.NotEmpty(failures);
        Assert.All(failures, e => Assert.True(e.RefusalCode() is null or RefusalCode.ServerUnavailable, $"unexpected failure: {e}"));

        Dictionary<long, string> stored;
        await using (var restarted = await ParleyServerProcess.StartAsync(data))
        {
            // The creator comes back (its browser kept its credentials and keys) to grant a newcomer the key.
            var (aliceAgain, _) = await RoomSession.JoinAsync(restarted.BaseUri, room.RoomId, room.LinkSecret, creator);
            await using var _a = aliceAgain;
            var (reader, catchup) = await RoomSession.JoinAsync(restarted.BaseUri, room.RoomId, room.LinkSecret);
            await using var _r = reader;
            stored = catchup.Updates.ToDictionary(u => u.Seq, u => Encoding.UTF8.GetString(u.Plaintext));
        }
        Directory.Delete(data, recursive: true);
        foreach (var (seq, text) in acknowledged)
            Assert.True(stored.TryGetValue(seq, out var found) && found == text, $"acknowledged update {seq} ({text}) was lost");
    }
}
