using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Data.Sqlite;
using Parley.Client;
using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>A server whose rooms expire after seconds, as a deployment may configure, so the real sweeper runs in the test.</summary>
public sealed class ExpiryFixture : ServerFixture
{
    protected override Dictionary<string, string> Settings => new(base.Settings)
    {
        ["Parley__Rooms__IdleExpiry"] = "00:00:10",
        ["Parley__Rooms__SweepInterval"] = "00:00:01",
        ["Parley__Rooms__TombstoneRetention"] = "00:00:20",
    };

    public override async Task InitializeAsync()
    {
        // The test process's device keys take seconds to make on a busy machine: not while a new room waits for its creator and may expire.
        _ = DeviceIdentity.ForThisProcess;
        await base.InitializeAsync();
    }
}

public class RoomExpiryTests(ExpiryFixture fixture) : IClassFixture<ExpiryFixture>
{
    const int ExpiryWaitMs = 60_000;
    static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    async Task<(NewRoom Room, RoomSession Creator)> RoomWithCreatorAsync()
    {
        var room = await fixture.NewRoomWithCreatorTokenAsync();
        var (creator, _) = await RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret, creatorToken: room.CreatorToken);
        return (room, creator);
    }


    /// <summary>Waits for the whole deletion: the rows go in one transaction, the blobs right after it commits.</summary>
    async Task WaitUntilGoneAsync(string roomId, string what)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(ExpiryWaitMs);
        var blobFolder = Path.Combine(fixture.Server.DataDirectory, "blobs", roomId);
        while (await fixture.CountAsync("""SELECT COUNT(*) FROM "Rooms" WHERE "Id" = @p0""", roomId) > 0 || Directory.Exists(blobFolder))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for: {what}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task An_idle_room_is_deleted_with_every_row_and_blob_and_its_members_are_told_it_expired()
    {
        var (room, alice) = await RoomWithCreatorAsync();
        Assert.Equal(TimeSpan.FromSeconds(10), alice.Expiry?.IdleExpiry);
        Assert.InRange(alice.Expiry!.Value.LastActiveAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        using var http = fixture.Server.CreateHttpClient();
        await alice.PushUpdateAsync(Text("code"));
        await alice.SendChatAsync("c1", Text("chat"));
        await alice.Files(http).UploadAsync(new GeneratedContent(1500, 1), 1500);
        var credentials = alice.Credentials;
        Assert.True(Directory.Exists(Path.Combine(fixture.Server.DataDirectory, "blobs", room.RoomId)));
        await alice.DisposeAsync();

        await WaitUntilGoneAsync(room.RoomId, "the idle room expired");

        Assert.Equal(0, await fixture.RowsOfRoomAsync(room.RoomId));
        // RoomDeletion deletes the blobs right after the rows' commit, not inside it.
        await Eventually.True(() => !Directory.Exists(Path.Combine(fixture.Server.DataDirectory, "blobs", room.RoomId)), "the room's blobs deleted");
        var resumed = await Assert.ThrowsAsync<HubException>(() =>
            RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret, credentials));
        Assert.Equal(RefusalCode.RoomExpired, resumed.RefusalCode());
        var newcomer = await Assert.ThrowsAsync<HubException>(() => RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret));
        Assert.Equal(RefusalCode.RoomExpired, newcomer.RefusalCode());
    }

    [Fact]
    public async Task A_room_with_a_member_connected_is_kept_however_quiet_while_an_idle_one_of_the_same_age_expires()
    {
        var (kept, alice) = await RoomWithCreatorAsync();
        await using var _a = alice;
        await alice.PushUpdateAsync(Text("before the quiet"));
        // The control: as old and as quiet, but nobody stays connected.
        var (control, carol) = await RoomWithCreatorAsync();
        await carol.DisposeAsync();

        await WaitUntilGoneAsync(control.RoomId, "the control room expired");
        // One more full sweep after the control went, so the kept room was looked at when past its expiry.
        var (second, dave) = await RoomWithCreatorAsync();
        await dave.DisposeAsync();
        await WaitUntilGoneAsync(second.RoomId, "a later idle room expired");

        Assert.Equal(1, await fixture.CountAsync("""SELECT COUNT(*) FROM "Rooms" WHERE "Id" = @p0""", kept.RoomId));
        Assert.Equal(2, (await alice.PushUpdateAsync(Text("still here"))).Seq);
    }

    [Fact]
    public async Task Tombstones_hold_no_room_id_in_clear_and_are_swept_after_their_retention()
    {
        var (terminated, alice) = await RoomWithCreatorAsync();
        await alice.PushUpdateAsync(Text("code"));
        await alice.SendChatAsync("c1", Text("chat"));
        await alice.TerminateAsync();
        await alice.DisposeAsync();
        var (expired, bob) = await RoomWithCreatorAsync();
        await bob.PushUpdateAsync(Text("code"));
        await bob.DisposeAsync();
        await WaitUntilGoneAsync(expired.RoomId, "the idle room expired");

        Assert.Equal(1, await TombstonesOfAsync(terminated.RoomId));
        Assert.Equal(1, await TombstonesOfAsync(expired.RoomId));
        await CheckpointAsync();
        foreach (var file in Directory.GetFiles(fixture.Server.DataDirectory, "parley.db*"))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.False(Contains(bytes, terminated.RoomId), $"{Path.GetFileName(file)} holds the terminated room's id");
            Assert.False(Contains(bytes, expired.RoomId), $"{Path.GetFileName(file)} holds the expired room's id");
        }

        var deadline = DateTime.UtcNow.AddMilliseconds(ExpiryWaitMs);
        while (await TombstonesOfAsync(terminated.RoomId) + await TombstonesOfAsync(expired.RoomId) > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Timed out waiting for the tombstones to be swept");
            await Task.Delay(100);
        }
        var later = await Assert.ThrowsAsync<HubException>(() => RoomSession.JoinAsync(fixture.Server.BaseUri, expired.RoomId, expired.LinkSecret));
        Assert.Equal(RefusalCode.RoomUnknown, later.RefusalCode());
    }

    /// <summary>Tombstones of a room, found as the server finds them: by the keyed hash, with the key from its data folder.</summary>
    Task<long> TombstonesOfAsync(string roomId)
    {
        var key = File.ReadAllBytes(Path.Combine(fixture.Server.DataDirectory, "room-id.key"));
        return fixture.CountAsync("""SELECT COUNT(*) FROM "EndedRooms" WHERE "IdHash" = @p0""", HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(roomId)));
    }

    /// <summary>Moves the write-ahead log into the database file, so the scan sees what a copy of the data folder would keep.</summary>
    async Task CheckpointAsync()
    {
        await using var db = new SqliteConnection($"Data Source={Path.Combine(fixture.Server.DataDirectory, "parley.db")}");
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(0L, reader.GetInt64(0));
    }

    static bool Contains(byte[] haystack, string id) => haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(id)) >= 0;
}
