using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Parley.Protocol;
using Parley.Server.Hosting;

namespace Parley.Server.Realtime;

/// <summary>
/// Connection state of one server process. Alone (no Redis) it is the whole truth: every connection
/// of a room is on this node. With several nodes, <see cref="RedisRoomConnections"/> keeps one of
/// these for its own connections and shares the rest.
/// </summary>
public sealed class InProcessRoomConnections(IHubContext<RoomHub, IRoomClient> hub, ILogger<InProcessRoomConnections> log)
    : IRoomConnections
{
    // Long enough for the notice to reach the screen of whoever is shut out, short enough to matter.
    static readonly TimeSpan CloseAfter = TimeSpan.FromMilliseconds(500);

    /// <summary>Room → member → its connection ids.</summary>
    readonly Dictionary<string, Dictionary<string, HashSet<string>>> rooms = new();
    readonly ConcurrentDictionary<string, Action> aborts = new();
    readonly ConcurrentDictionary<(string RoomId, string MemberId), RefusalCode> revokedMembers = new();
    readonly ConcurrentDictionary<string, RefusalCode> revokedRooms = new();

    public void Opened(string connectionId, Action abort)
    {
        if (aborts.TryAdd(connectionId, abort)) ParleyMetrics.ConnectionOpened();
    }

    public void Closed(string connectionId)
    {
        if (aborts.TryRemove(connectionId, out _)) ParleyMetrics.ConnectionClosed();
    }

    public void Abort(string connectionId)
    {
        if (aborts.TryGetValue(connectionId, out var abort)) abort();
    }

    /// <summary>Ends every connection on this node; their clients reconnect and catch up from the log.</summary>
    public void AbortAll()
    {
        foreach (var abort in aborts.Values) abort();
    }

    public bool Reachable => true;

    public Task<bool> ConnectAsync(string roomId, string memberId, string connectionId) => Task.FromResult(Connect(roomId, memberId, connectionId));

    public Task<bool> DisconnectAsync(string roomId, string memberId, string connectionId) =>
        Task.FromResult(Disconnect(roomId, memberId, connectionId));

    public Task<IReadOnlyList<string>> OnlineAsync(string roomId) => Task.FromResult(Online(roomId));

    public Task RevokeAsync(string roomId, string? memberId, RefusalCode reason, CancellationToken ct)
    {
        Revoke(roomId, memberId, reason);
        return Task.CompletedTask;
    }

    /// <returns>True when this is the member's first live connection in the room on this node.</returns>
    public bool Connect(string roomId, string memberId, string connectionId)
    {
        lock (rooms)
        {
            if (!rooms.TryGetValue(roomId, out var members))
            {
                rooms[roomId] = members = new();
                ParleyMetrics.RoomsActive(1);
            }
            if (!members.TryGetValue(memberId, out var connections))
            {
                members[memberId] = connections = new();
                ParleyMetrics.MembersOnlineChanged(1);
            }
            connections.Add(connectionId);
            return connections.Count == 1;
        }
    }

    /// <returns>True when that was the member's last live connection in the room on this node.</returns>
    public bool Disconnect(string roomId, string memberId, string connectionId)
    {
        lock (rooms)
        {
            if (!rooms.TryGetValue(roomId, out var members) || !members.TryGetValue(memberId, out var connections)) return false;
            if (!connections.Remove(connectionId) || connections.Count > 0) return false;
            DropMember(roomId, members, memberId);
            return true;
        }
    }

    /// <summary>Under the lock: drops a member, and its room once no member is left, keeping the gauges true.</summary>
    void DropMember(string roomId, Dictionary<string, HashSet<string>> members, string memberId)
    {
        if (!members.Remove(memberId)) return;
        ParleyMetrics.MembersOnlineChanged(-1);
        if (members.Count > 0) return;
        rooms.Remove(roomId);
        ParleyMetrics.RoomsActive(-1);
    }

    /// <summary>Members with a live connection in the room on this node.</summary>
    public IReadOnlyList<string> Online(string roomId)
    {
        lock (rooms) return rooms.TryGetValue(roomId, out var members) ? members.Keys.ToList() : [];
    }

    public IReadOnlyList<string> ConnectionsOf(string roomId, string memberId)
    {
        lock (rooms) return rooms.TryGetValue(roomId, out var members) && members.TryGetValue(memberId, out var c) ? c.ToList() : [];
    }

    public IReadOnlyList<string> ConnectionsIn(string roomId)
    {
        lock (rooms) return rooms.TryGetValue(roomId, out var members) ? members.Values.SelectMany(c => c).ToList() : [];
    }

    public void Revoke(string roomId, string? memberId, RefusalCode reason)
    {
        if (memberId is null) revokedRooms[roomId] = reason;
        else revokedMembers[(roomId, memberId)] = reason;
    }

    public RefusalCode? Revocation(string roomId, string memberId) =>
        revokedRooms.TryGetValue(roomId, out var ended) ? ended
        : revokedMembers.TryGetValue((roomId, memberId), out var reason) ? reason
        : null;

    public async Task CloseAsync(string roomId, string? memberId, CancellationToken ct)
    {
        List<string> closing;
        lock (rooms)
        {
            if (!rooms.TryGetValue(roomId, out var members)) return;
            closing = members.Where(m => memberId is null || m.Key == memberId).SelectMany(m => m.Value).ToList();
            if (memberId is null)
            {
                rooms.Remove(roomId);
                ParleyMetrics.MembersOnlineChanged(-members.Count);
                ParleyMetrics.RoomsActive(-1);
            }
            else DropMember(roomId, members, memberId);
        }
        await Task.WhenAll(closing.Select(c => hub.Groups.RemoveFromGroupAsync(c, RoomGroups.Of(roomId), ct)));
        _ = Task.Delay(CloseAfter, CancellationToken.None).ContinueWith(_ =>
        {
            foreach (var c in closing)
                if (aborts.TryGetValue(c, out var abort)) abort();
            log.LogDebug("Closed {Count} connection(s) shut out of room {RoomId}", closing.Count, roomId);
        }, TaskScheduler.Default);
    }
}
