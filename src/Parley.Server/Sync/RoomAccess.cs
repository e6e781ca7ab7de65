using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace Parley.Server.Sync;

/// <summary>
/// The one place that says whether a connection may act in a room: it must have joined it with
/// the link's join key on this connection, and its access must not have been revoked since (by a
/// kick or the end of the session). Every hub method but JoinRoom goes through here.
/// </summary>
public static class RoomAccess
{
    const string Key = "parley.rooms";

    /// <summary>Per connection: room id → member id, or the reason access was revoked.</summary>
    sealed class Grants
    {
        public ConcurrentDictionary<string, string> Members { get; } = new();
        public ConcurrentDictionary<string, string> Revoked { get; } = new();
    }

    static Grants Of(HubCallerContext context)
    {
        lock (context.Items)
        {
            if (!context.Items.TryGetValue(Key, out var grants)) context.Items[Key] = grants = new Grants();
            return (Grants)grants!;
        }
    }

    public static IReadOnlyDictionary<string, string> JoinedRooms(HubCallerContext context) => Of(context).Members;

    public static void RecordJoin(HubCallerContext context, string roomId, string memberId)
    {
        var grants = Of(context);
        grants.Revoked.TryRemove(roomId, out _);
        grants.Members[roomId] = memberId;
    }

    /// <summary>Takes the room away from a live connection of another caller; its next call is refused.</summary>
    public static void Revoke(HubCallerContext context, string roomId, string reason)
    {
        var grants = Of(context);
        grants.Revoked[roomId] = reason;
        grants.Members.TryRemove(roomId, out _);
    }

    /// <returns>The caller's member id in the room.</returns>
    public static string RequireMember(HubCallerContext context, string? roomId)
    {
        var grants = Of(context);
        if (roomId is not null && grants.Revoked.TryGetValue(roomId, out var reason)) throw new HubException(reason);
        return roomId is not null && grants.Members.TryGetValue(roomId, out var memberId)
            ? memberId
            : throw new HubException("Not a member of this room: join it first.");
    }
}
