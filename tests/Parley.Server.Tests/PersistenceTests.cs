using System.Collections.Concurrent;
using System.Text;
using Parley.Client.Sessions;
using Parley.Testing;

namespace Parley.Server.Tests;

public class PersistenceTests
{
    [Fact]
    public async Task Every_acknowledged_update_survives_the_server_being_killed_and_restarted()
    {
        await using var life = await ServerLife.StartAsync("parley-restart-");
        var pushes = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => life.Alice.PushUpdateAsync(Encoding.UTF8.GetBytes($"edit {i}"))));
        await life.Alice.PushSnapshotAsync(100, Encoding.UTF8.GetBytes("state up to 100"));

        var catchup = await life.KillAndRejoinAsync();

        Assert.Equal(300, pushes.Max(p => p.Seq));
        Assert.Equal("state up to 100", Encoding.UTF8.GetString(catchup.Snapshot!.Plaintext));
        Assert.Equal(Enumerable.Range(101, 200).Select(i => (long)i), catchup.Updates.Select(u => u.Seq));
    }

    [Fact]
    public async Task Every_acknowledged_pipelined_push_survives_a_kill_in_the_middle_of_the_stream()
    {
        await using var life = await ServerLife.StartAsync("parley-pipeline-kill-");
        var acknowledged = new ConcurrentDictionary<long, string>();
        var firstAcks = new TaskCompletionSource();
        // Ten thousand pushes in flight at once (PushDocUpdates calls); the server dies while they are being stored.
        var pushes = Enumerable.Range(0, 10_000).Select(async i =>
        {
            var text = $"edit {i}";
            acknowledged[(await life.Alice.PushUpdateAsync(Encoding.UTF8.GetBytes(text))).Seq] = text;
            if (acknowledged.Count >= 500) firstAcks.TrySetResult();
        }).ToList();
        await firstAcks.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var catchup = await life.KillAndRejoinAsync();
        await Task.WhenAll(pushes.Select(p => p.ContinueWith(_ => { }, TaskScheduler.Default)));

        var stored = catchup.Updates.ToDictionary(u => u.Seq, u => Encoding.UTF8.GetString(u.Plaintext));
        Assert.True(acknowledged.Count is >= 500 and < 10_000, $"{acknowledged.Count} acknowledged before the kill");
        Assert.All(acknowledged, ack => Assert.Equal(ack.Value, stored.GetValueOrDefault(ack.Key)));
        // What was stored is the stream's beginning, in the order pushed: no hole, nothing reordered.
        Assert.Equal(Enumerable.Range(0, stored.Count).Select(i => $"edit {i}"), catchup.Updates.Select(u => Encoding.UTF8.GetString(u.Plaintext)));
    }

    /// <summary>A server on its own data folder with a room and its creator Alice; killed (kill -9) and started again on the same folder.</summary>
    sealed class ServerLife : IAsyncDisposable
    {
        readonly string data;
        readonly NewRoom room;
        ParleyServerProcess server;
        readonly List<IAsyncDisposable> sessions = [];

        ServerLife(string data, ParleyServerProcess server, NewRoom room, RoomSession alice) =>
            (this.data, this.server, this.room, Alice) = (data, server, room, alice);

        public RoomSession Alice { get; }

        // Thousands of pushes from one connection: the per-connection call rate (a policy, tested in RefusalTests) stays out of the way.
        static readonly Dictionary<string, string> Settings = new() { ["Parley__HubCallsPerSecond"] = "100000" };

        public static async Task<ServerLife> StartAsync(string folderPrefix)
        {
            var data = Directory.CreateTempSubdirectory(folderPrefix).FullName;
            var server = await ParleyServerProcess.StartAsync(data, Settings);
            using var http = server.CreateHttpClient();
            var room = await RoomSession.CreateRoomAsync(http);
            var (alice, _) = await RoomSession.JoinAsCreatorAsync(server.BaseUri, room);
            return new ServerLife(data, server, room, alice);
        }

        /// <summary>Kills the server, starts it again; Alice comes back (her keys and credentials kept) to grant Bob, a new member, who catches up.</summary>
        public async Task<Catchup> KillAndRejoinAsync()
        {
            await server.StopAsync(); // killed, not shut down gracefully
            await server.DisposeAsync();
            server = await ParleyServerProcess.StartAsync(data, Settings);
            var (aliceAgain, _) = await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret, Alice.Credentials);
            sessions.Add(aliceAgain);
            var (bob, catchup) = await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret);
            sessions.Add(bob);
            Assert.Equal(catchup.Updates.Count == 0 ? catchup.Snapshot?.Seq ?? 0 : catchup.Updates[^1].Seq, bob.LastSeq);
            return catchup;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var session in sessions) await session.DisposeAsync();
            await Alice.DisposeAsync();
            await server.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }
}
