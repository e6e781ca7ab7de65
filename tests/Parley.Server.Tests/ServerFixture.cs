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

    public async Task<(string RoomId, string Secret)> NewRoomAsync()
    {
        var (roomId, secret) = await NewRoomWithCreatorTokenAsync();
        return (roomId, secret);
    }

    public async Task<NewRoom> NewRoomWithCreatorTokenAsync()
    {
        using var http = Server.CreateHttpClient();
        return await RoomSession.CreateRoomAsync(http);
    }

    public async Task<(RoomSession Session, Catchup Catchup)> JoinAsync((string RoomId, string Secret) room,
        MemberCredentials? resume = null, long sinceSeq = 0) =>
        await RoomSession.JoinAsync(Server.BaseUri, room.RoomId, room.Secret, resume, sinceSeq);
}
