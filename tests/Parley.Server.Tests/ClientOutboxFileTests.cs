using System.Collections.Concurrent;
using System.Text;
using Parley.Client.Crypto;
using Parley.Client.Outbox;
using Parley.Client.Sessions;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>
/// A session given an outbox file keeps every update and message there until the server
/// acknowledges it: after a crash, the next join with the file sends what was left, once.
/// "Crash" here is DisposeAsync, which writes nothing to the file: what the next join finds is what
/// was on disk when the call handed the entry to the server.
/// </summary>
public class ClientOutboxFileTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task What_was_written_while_the_server_was_down_reaches_the_room_once_after_a_crash_and_a_restart()
    {
        var data = Directory.CreateTempSubdirectory("parley-outbox-").FullName;
        var folder = Directory.CreateTempSubdirectory("parley-client-").FullName;
        var outbox = new OutboxOptions(Path.Combine(folder, "room.outbox"));
        var server = await ParleyServerProcess.StartAsync(data);
        using var http = server.CreateHttpClient();
        var room = await RoomSession.CreateRoomAsync(http);
        var (alice, _) = await RoomSession.JoinAsCreatorAsync(server.BaseUri, room);
        var (bob, _) = await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret, autoResume: true);
        await using var _b = bob;
        var bobSaw = Watch(bob);
        // A device of its own, as a process of its own has: the next join must bring it back from the file.
        var (carol, _) = await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret, device: DeviceIdentity.Create(),
            outbox: outbox);
        await carol.PushUpdateAsync(Text("update acknowledged"));
        await carol.SendChatAsync(Text("chat acknowledged"));
        // Acknowledged is stored, not yet relayed: bob (who has read no chat, so his resume fetches none) hears both before the kill.
        await Eventually.True(() => bobSaw.Updates.Contains("update acknowledged") && bobSaw.Chat.Contains("chat acknowledged"), "bob heard both");

        await server.StopAsync();
        await Eventually.True(() => carol.Connection.State == Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Disconnected,
            "carol's connection closed");
        var markers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            markers.Add($"OUTBOX-UPDATE-{i}-{Guid.NewGuid():N}");
            await Assert.ThrowsAnyAsync<Exception>(() => carol.PushUpdateAsync(Text(markers[^1])));
            markers.Add($"OUTBOX-CHAT-{i}-{Guid.NewGuid():N}");
            await Assert.ThrowsAnyAsync<Exception>(() => carol.SendChatAsync(Text(markers[^1])));
        }
        await carol.DisposeAsync(); // the crash
        await alice.DisposeAsync();

        var onDisk = File.ReadAllBytes(outbox.Path);
        Assert.True(onDisk.Length > markers.Sum(m => m.Length), "the entries are in the file");
        Assert.DoesNotContain(markers.Append("acknowledged"), m => onDisk.AsSpan().IndexOf(Text(m)) >= 0);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(outbox.Path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(outbox.Path + ".key"));
        }

        await using var restarted = await ParleyServerProcess.StartAsync(data, port: server.BaseUri.Port);
        var (carolAgain, catchup) = await RoomSession.JoinAsync(restarted.BaseUri, room.RoomId, room.LinkSecret, outbox: outbox);
        await using var _c = carolAgain;
        Assert.Equal(carol.MemberId, carolAgain.MemberId);
        Assert.Equal(markers.Where(m => m.Contains("UPDATE")), catchup.Resent.Updates.Select(u => Encoding.UTF8.GetString(u.Plaintext)));
        Assert.Equal(markers.Where(m => m.Contains("CHAT")), catchup.Resent.Chat.Select(c => Encoding.UTF8.GetString(c.Plaintext)));
        Assert.Empty(carolAgain.PersistedOutbox!.Pending());

        await EachSeenOnceAsync(carolAgain, bobSaw, [.. markers, "update acknowledged", "chat acknowledged"]);
        await server.DisposeAsync();
        await restarted.DisposeAsync();
        Directory.Delete(data, recursive: true);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_crash_after_the_server_stored_an_entry_but_before_its_ack_was_written_down_stores_nothing_twice()
    {
        await using var scene = await OutboxScene.StartAsync(fixture);
        var (carol, _) = await scene.CarolJoinsAsync();
        carol.PersistedOutbox!.ForgetsDone = true;
        var markers = new List<string>();
        var seqs = new List<long>();
        for (var i = 0; i < 2; i++)
        {
            markers.Add($"LANDED-UPDATE-{i}");
            seqs.Add((await carol.PushUpdateAsync(Text(markers[^1]))).Seq);
            markers.Add($"LANDED-CHAT-{i}");
            seqs.Add((await carol.SendChatAsync(Text(markers[^1]))).Seq);
        }
        await carol.DisposeAsync(); // the crash, with every acknowledgement lost

        var (carolAgain, catchup) = await scene.CarolJoinsAsync();
        await using var _c = carolAgain;
        // Found where they landed, under the seqs their first pushes were given.
        Assert.Equal([seqs[0], seqs[2]], catchup.Resent.Updates.Select(u => u.Seq));
        Assert.Equal([seqs[1], seqs[3]], catchup.Resent.Chat.Select(c => c.Seq));
        Assert.Empty(carolAgain.PersistedOutbox!.Pending());
        await EachSeenOnceAsync(carolAgain, scene.BobSaw, markers);
        Assert.Equal(3, await fixture.CountRowsAsync("DocUpdates", scene.Room.RoomId)); // two and the sentinel
    }

    [Fact]
    public async Task A_message_whose_later_neighbour_went_first_is_sent_under_a_new_id_and_shown_in_order()
    {
        await using var scene = await OutboxScene.StartAsync(fixture);
        var refused = new ConcurrentQueue<RefusedChat>();
        scene.Bob.ChatRefused += refused.Enqueue;
        var (carol, _) = await scene.CarolJoinsAsync();
        var (early, late) = (carol.NextChatId(), carol.NextChatId());
        carol.PersistedOutbox!.KeepChat(early, Text("written first, never acknowledged")).Dispose(); // its send failed
        await carol.SendChatAsync(late, Text("written second"));
        await carol.DisposeAsync();

        var (carolAgain, catchup) = await scene.CarolJoinsAsync();
        await using var _c = carolAgain;
        var resent = Assert.Single(catchup.Resent.Chat);
        Assert.NotEqual(early, resent.ClientMessageId);
        await EachSeenOnceAsync(carolAgain, scene.BobSaw, ["written first, never acknowledged", "written second"]);
        Assert.Empty(refused);
    }

    [Fact]
    public async Task The_file_stays_small_while_the_server_acknowledges_everything()
    {
        var folder = Directory.CreateTempSubdirectory("parley-client-").FullName;
        var outbox = new OutboxOptions(Path.Combine(folder, "room.outbox"), Key: new byte[OutboxOptions.KeyBytes]);
        var room = await fixture.NewRoomAsync();
        var (carol, _) = await RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.Secret,
            creatorToken: room.CreatorToken, outbox: outbox);
        await using var _c = carol;
        room.CreatorJoined = true;
        static byte[] Numbered(int i)
        {
            var bytes = new byte[1024];
            (bytes[0], bytes[1]) = ((byte)i, (byte)(i >> 8));
            return bytes;
        }
        for (var i = 0; i < 300; i += 3)
        {
            await carol.PushUpdateAsync(Numbered(i));
            await carol.PushUpdatesAsync([Numbered(i + 1), Numbered(i + 2)]); // pipelined, kept the same way
            await carol.SendChatAsync(Numbered(i));
        }
        // 400 KiB went through it; compaction keeps it near its (empty) backlog.
        Assert.Empty(carol.PersistedOutbox!.Pending());
        Assert.InRange(new FileInfo(outbox.Path).Length, 1, 128 * 1024);
        Assert.False(File.Exists(outbox.Path + ".key"), "an application's own key makes no key file");
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>
    /// Alice and Bob (watched) in a new room of the fixture's server; Carol joins, and joins again as
    /// a new run would, with an outbox file in a folder of her own.
    /// </summary>
    sealed class OutboxScene(ServerFixture fixture, TestRoom room, RoomSession alice, RoomSession bob, string folder) : IAsyncDisposable
    {
        public TestRoom Room => room;
        public RoomSession Bob => bob;
        public Seen BobSaw { get; } = Watch(bob);
        public OutboxOptions Outbox { get; } = new(Path.Combine(folder, "room.outbox"));

        public static async Task<OutboxScene> StartAsync(ServerFixture fixture)
        {
            var room = await fixture.NewRoomAsync();
            var (alice, _) = await fixture.JoinAsync(room);
            var (bob, _) = await fixture.JoinAsync(room);
            return new OutboxScene(fixture, room, alice, bob, Directory.CreateTempSubdirectory("parley-client-").FullName);
        }

        public Task<(RoomSession Session, Catchup Catchup)> CarolJoinsAsync() =>
            RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.Secret, outbox: Outbox);

        public async ValueTask DisposeAsync()
        {
            await alice.DisposeAsync();
            await bob.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    sealed record Seen(ConcurrentQueue<string> Updates, ConcurrentQueue<string> Chat);

    static Seen Watch(RoomSession member)
    {
        var seen = new Seen(new(), new());
        member.UpdateReceived += e => seen.Updates.Enqueue(Encoding.UTF8.GetString(e.Plaintext));
        member.ChatReceived += c => seen.Chat.Enqueue(Encoding.UTF8.GetString(c.Plaintext));
        return seen;
    }

    /// <summary>A sentinel after everything: once the member has it, any second copy (an earlier seq) would have come too.</summary>
    static async Task EachSeenOnceAsync(RoomSession sender, Seen seen, IReadOnlyList<string> markers)
    {
        await sender.PushUpdateAsync(Text("sentinel"));
        await sender.SendChatAsync(Text("sentinel"));
        await Eventually.True(() => seen.Updates.Contains("sentinel") && seen.Chat.Contains("sentinel"), "the sentinels arrived", 30_000);
        var all = seen.Updates.Concat(seen.Chat).ToList();
        Assert.All(markers, m => Assert.Single(all, m));
    }
}
