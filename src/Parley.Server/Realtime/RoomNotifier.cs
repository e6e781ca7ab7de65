using Microsoft.AspNetCore.SignalR;

namespace Parley.Server.Realtime;

/// <summary>
/// Who to tell, for services that push events: they pick the audience here and call a typed
/// <see cref="IRoomClient"/> event on it, and never see SignalR. The only holder of the hub context.
/// </summary>
public sealed class RoomNotifier(IHubContext<RoomHub, IRoomClient> hub, RoomFanout fanout)
{
    /// <summary>Every joined connection of the room.</summary>
    /// <remarks>Through <see cref="RoomFanout"/>: the caller never waits on a member's connection.</remarks>
    public IRoomClient Room(string roomId) => fanout.Room(roomId);

    /// <summary>One member's live connections in the room.</summary>
    public IRoomClient Member(string roomId, string memberId) => fanout.Member(roomId, memberId);

    /// <summary>A lobby guest's connections, which are in no room group yet.</summary>
    public IRoomClient Waiting(string roomId, string memberId) => hub.Clients.Group(RoomGroups.Waiting(roomId, memberId));
}
