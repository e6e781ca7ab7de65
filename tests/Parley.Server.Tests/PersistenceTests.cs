using System.Text;
using Parley.Client.Sessions;
using Parley.Testing;

namespace Parley.Server.Tests;

public class PersistenceTests
{
    [Fact]
    public async Task Every_acknowledged_update_survives_the_server_being_killed_and_restarted()
    {
        var data = Directory.CreateTempSubdirectory("parley-restart-").FullName;
        NewRoom room;
        MemberCredentials aliceCredentials;
        long acknowledged;
        await using (var server = await ParleyServerProcess.StartAsync(data))
        {
            using var http = server.CreateHttpClient();
            room = await RoomSession.CreateRoomAsync(http);
            var (alice, _) = await RoomSession.JoinAsCreatorAsync(server.BaseUri, room);
            aliceCredentials = alice.Credentials;
            var pushes = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => alice.PushUpdateAsync(Encoding.UTF8.GetBytes($"edit {i}"))));
            acknowledged = pushes.Max(p => p.Seq);
            await alice.PushSnapshotAsync(100, Encoding.UTF8.GetBytes("state up to 100"));
            await server.StopAsync(); // killed, not shut down gracefully
            await alice.DisposeAsync();
        }

        await using var restarted = await ParleyServerProcess.StartAsync(data);
        // Alice comes back (her browser kept its credentials and keys) and grants Bob the key.
        var (aliceAgain, _) = await RoomSession.JoinAsync(restarted.BaseUri, room.RoomId, room.LinkSecret, aliceCredentials);
        await using var _a = aliceAgain;
        var (bob, catchup) = await RoomSession.JoinAsync(restarted.BaseUri, room.RoomId, room.LinkSecret);
        await using var _b = bob;

        Assert.Equal(300, acknowledged);
        Assert.Equal("state up to 100", Encoding.UTF8.GetString(catchup.Snapshot!.Plaintext));
        Assert.Equal(200, catchup.Updates.Count);
        Assert.Equal(300, bob.LastSeq);
        Assert.Equal(Enumerable.Range(101, 200).Select(i => (long)i), catchup.Updates.Select(u => u.Seq));
        await restarted.DisposeAsync();
        Directory.Delete(data, recursive: true);
    }
}
