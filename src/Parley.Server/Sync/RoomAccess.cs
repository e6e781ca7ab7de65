using Microsoft.AspNetCore.SignalR;

namespace Parley.Server.Sync;

/// <summary>
/// The one place that says whether a connection may act in a room: it must have joined it with
/// the link's join key on this connection. Every hub method but JoinRoom goes through here.
/// </summary>
public static class RoomAccess
{
    const string Key = "parley.rooms";

    public static IReadOnlyDictionary<string, string> JoinedRooms(HubCallerContext context) =>
        context.Items.TryGetValue(Key, out var rooms) ? (Dictionary<string, string>)rooms! : new Dictionary<string, string>();

    public static void RecordJoin(HubCallerContext context, string roomId, string memberId)
    {
        if (!context.Items.TryGetValue(Key, out var rooms)) context.Items[Key] = rooms = new Dictionary<string, string>();
        ((Dictionary<string, string>)rooms!)[roomId] = memberId;
    }

    /// <returns>The caller's member id in the room.</returns>
    public static string RequireMember(HubCallerContext context, string? roomId) =>
        roomId is not null && JoinedRooms(context).TryGetValue(roomId, out var memberId)
            ? memberId
            : throw new HubException("Not a member of this room: join it first.");
}
