namespace Parley.Server.Rooms;

/// <summary>Which members have at least one live connection, per room. Not stored: it is a fact
/// about this process's connections (the scale-out issue moves it to the backplane).</summary>
public sealed class RoomPresence
{
    readonly Dictionary<string, Dictionary<string, int>> rooms = new();

    /// <returns>True when this is the member's first live connection in the room.</returns>
    public bool Connect(string roomId, string memberId)
    {
        lock (rooms)
        {
            if (!rooms.TryGetValue(roomId, out var members)) rooms[roomId] = members = new();
            members[memberId] = members.GetValueOrDefault(memberId) + 1;
            return members[memberId] == 1;
        }
    }

    /// <returns>True when that was the member's last live connection in the room.</returns>
    public bool Disconnect(string roomId, string memberId)
    {
        lock (rooms)
        {
            if (!rooms.TryGetValue(roomId, out var members) || !members.TryGetValue(memberId, out var count)) return false;
            if (count > 1) { members[memberId] = count - 1; return false; }
            members.Remove(memberId);
            if (members.Count == 0) rooms.Remove(roomId);
            return true;
        }
    }

    public IReadOnlyList<string> Online(string roomId)
    {
        lock (rooms) return rooms.TryGetValue(roomId, out var members) ? members.Keys.ToList() : [];
    }
}
