using Microsoft.AspNetCore.SignalR;

namespace Parley.Server.Rooms;

/// <summary>Which members have live connections, per room, and those connections. Not stored: it is
/// a fact about this process's connections (the scale-out issue moves it to the backplane).</summary>
public sealed class RoomPresence
{
    readonly Dictionary<string, Dictionary<string, Dictionary<string, HubCallerContext>>> rooms = new();

    /// <returns>True when this is the member's first live connection in the room.</returns>
    public bool Connect(string roomId, string memberId, HubCallerContext connection)
    {
        lock (rooms)
        {
            if (!rooms.TryGetValue(roomId, out var members)) rooms[roomId] = members = new();
            if (!members.TryGetValue(memberId, out var connections)) members[memberId] = connections = new();
            connections[connection.ConnectionId] = connection;
            return connections.Count == 1;
        }
    }

    /// <returns>True when that was the member's last live connection in the room.</returns>
    public bool Disconnect(string roomId, string memberId, string connectionId)
    {
        lock (rooms)
        {
            if (!rooms.TryGetValue(roomId, out var members) || !members.TryGetValue(memberId, out var connections)) return false;
            if (!connections.Remove(connectionId) || connections.Count > 0) return false;
            members.Remove(memberId);
            if (members.Count == 0) rooms.Remove(roomId);
            return true;
        }
    }

    public IReadOnlyList<string> Online(string roomId)
    {
        lock (rooms) return rooms.TryGetValue(roomId, out var members) ? members.Keys.ToList() : [];
    }

    /// <summary>Live connections in the room: of one member, or of everyone when memberId is null.</summary>
    public IReadOnlyList<HubCallerContext> Connections(string roomId, string? memberId = null)
    {
        lock (rooms)
        {
            if (!rooms.TryGetValue(roomId, out var members)) return [];
            return members.Where(m => memberId is null || m.Key == memberId).SelectMany(m => m.Value.Values).ToList();
        }
    }

    /// <summary>Forgets a member (or the whole room) without announcing it: they were removed.</summary>
    public void Forget(string roomId, string? memberId = null)
    {
        lock (rooms)
        {
            if (memberId is null) rooms.Remove(roomId);
            else if (rooms.TryGetValue(roomId, out var members)) members.Remove(memberId);
        }
    }
}
