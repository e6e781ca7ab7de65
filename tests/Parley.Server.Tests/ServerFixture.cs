using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>One real server shared by the tests of a class; each test makes its own rooms.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public ParleyServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>
    {
        ["Parley__SnapshotEveryUpdates"] = "100",
        ["Parley__UpdatePageSize"] = "50",
        ["Parley__HubCallsPerSecond"] = "100000",
        ["Parley__RoomsPerMinute"] = "100000",
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();

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
