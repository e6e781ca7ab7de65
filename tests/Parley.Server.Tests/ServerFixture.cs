using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>One real server shared by the tests of a class; each test makes its own rooms.</summary>
public class ServerFixture : IAsyncLifetime
{
    public ParleyServerProcess Server { get; protected set; } = null!;

    /// <summary>
    /// Limits turned up, and guests allowed what the default policy keeps for signed-in people:
    /// these tests are about rooms, sync, chat and files. AccountsFixture runs the default policy.
    /// </summary>
    protected virtual Dictionary<string, string> Settings => new()
    {
        ["Parley__SnapshotEveryUpdates"] = "100",
        ["Parley__UpdatePageSize"] = "50",
        ["Parley__HubCallsPerSecond"] = "100000",
        ["Parley__RoomsPerMinute"] = "100000",
        // Every client of these tests is 127.0.0.1: the per-address limits have their own tests.
        ["Parley__SignIn__PerAddressPerMinute"] = "100000",
        ["Parley__Hub__MaxConnectionsPerAddress"] = "100000",
        ["Parley__Policy__GuestsMayShareFiles"] = "true",
        ["Parley__Policy__GuestsMayProtectRooms"] = "true",
        ["Parley__Policy__GuestsMayNameRooms"] = "true",
    };

    public virtual async Task InitializeAsync() => Server = await ParleyServerProcess.StartAsync(settings: Settings);

    public virtual async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A new room; the first <see cref="JoinAsync"/> into it is its creator, who makes the first key.</summary>
    public async Task<TestRoom> NewRoomAsync()
    {
        var created = await NewRoomWithCreatorTokenAsync();
        return new TestRoom(created.RoomId, created.LinkSecret, created.CreatorToken);
    }

    public async Task<NewRoom> NewRoomWithCreatorTokenAsync()
    {
        using var http = Server.CreateHttpClient();
        return await RoomSession.CreateRoomAsync(http);
    }

    /// <summary>Rows anywhere in the database that belong to the room (by room id or by its files).</summary>
    public async Task<long> RowsOfRoomAsync(string roomId)
    {
        long total = 0;
        foreach (var table in new[] { "Members", "DocUpdates", "DocSnapshots", "ChatMessages", "Files", "Entries", "Activity" })
            total += await CountRowsAsync(table, roomId);
        total += await CountAsync("""SELECT COUNT(*) FROM "Rooms" WHERE "Id" = @p0""", roomId);
        return total + await CountAsync("""SELECT COUNT(*) FROM "FileChunks" WHERE "FileId" NOT IN (SELECT "Id" FROM "Files")""");
    }

    /// <summary>Rows of a table in the server's database (read beside the running server), of one room when given.</summary>
    public Task<long> CountRowsAsync(string table, string? roomId = null) => roomId is null
        ? CountAsync($"""SELECT COUNT(*) FROM "{table}" """)
        : CountAsync($"""SELECT COUNT(*) FROM "{table}" WHERE "RoomId" = @p0""", roomId);

    /// <summary>A count from the server's database (SQLite or PostgreSQL); <c>@p0</c>, <c>@p1</c>… in the SQL stand
    /// for <paramref name="values"/>, and names are quoted ("Rooms") as PostgreSQL needs.</summary>
    public Task<long> CountAsync(string sql, params object[] values) => Server.Database.CountAsync(sql, values);

    /// <summary>Joins as a member; later joiners get the room key granted by a member who is online.</summary>
    public async Task<(RoomSession Session, Catchup Catchup)> JoinAsync(TestRoom room,
        MemberCredentials? resume = null, long sinceSeq = 0, DeviceIdentity? device = null)
    {
        var joined = await RoomSession.JoinAsync(Server.BaseUri, room.RoomId, room.Secret, resume, sinceSeq,
            creatorToken: room.CreatorJoined ? null : room.CreatorToken, device: device);
        room.CreatorJoined = true;
        return joined;
    }
}

/// <summary>A room made for a test: its id, the link secret, and the creator's token until the creator has joined.</summary>
public sealed record TestRoom(string RoomId, string Secret, byte[] CreatorToken)
{
    public bool CreatorJoined { get; set; }

    public void Deconstruct(out string roomId, out string secret) => (roomId, secret) = (RoomId, Secret);
}

/// <summary>
/// A server as deployed by default: the captcha on (at a difficulty tests solve in a moment) and
/// the default access policy, for the tests of accounts, the captcha and guest vs signed-in rules.
/// </summary>
public sealed class AccountsFixture : ServerFixture
{
    public const int Difficulty = 8;

    protected override Dictionary<string, string> Settings => new()
    {
        ["Parley__HubCallsPerSecond"] = "100000",
        ["Parley__RoomsPerMinute"] = "100000",
        ["Parley__Captcha__Enabled"] = "true",
        ["Parley__Captcha__Difficulty"] = $"{Difficulty}",
        // Every test signs in from 127.0.0.1; SignInThrottleTests holds the per-address and per-account limits.
        ["Parley__SignIn__PerAddressPerMinute"] = "100000",
        ["Parley__SignIn__PerAccountPerMinute"] = "100000",
        ["Parley__Hub__MaxConnectionsPerAddress"] = "100000",
    };
}
