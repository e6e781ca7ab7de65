using Microsoft.AspNetCore.SignalR;

namespace Parley.Server.Realtime;

/// <summary>
/// Who to tell, for services that push events: they pick the audience here and call a typed
/// <see cref="IRoomClient"/> event on it, and never see SignalR. The only holder of the hub context.
/// </summary>
public sealed class RoomNotifier(IHubContext<RoomHub, IRoomClient> hub, IRoomConnections connections)
{
    /// <summary>Every joined connection of the room.</summary>
    public IRoomClient Room(string roomId) => hub.Clients.Group(RoomGroups.Of(roomId));

    /// <summary>The room but one connection (the sender, which has its answer already).</summary>
    public IRoomClient RoomExcept(string roomId, string connectionId) => hub.Clients.GroupExcept(RoomGroups.Of(roomId), connectionId);

    /// <summary>One member's live connections in the room.</summary>
    public IRoomClient Member(string roomId, string memberId) => hub.Clients.Clients(connections.ConnectionsOf(roomId, memberId));

    /// <summary>A lobby guest's connections, which are in no room group yet.</summary>
    public IRoomClient Waiting(string roomId, string memberId) => hub.Clients.Group(RoomGroups.Waiting(roomId, memberId));
}
