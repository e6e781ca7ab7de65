using Parley.Protocol;
using Parley.Server.Cluster;
using StackExchange.Redis;

namespace Parley.Server.Realtime;

/// <summary>
/// Connection state shared by several nodes: this node's own connections in a
/// <see cref="InProcessRoomConnections"/>, who is online in Redis (<see cref="RedisPresence"/>),
/// revocations and closes told to every node over the <see cref="RoomBus"/>, which each node
/// applies to its own connections before the caller goes on.
/// While Redis is unreachable this node hears nothing from the others (a kick elsewhere would
/// not reach it), so it refuses room calls until Redis is back, and then closes all its
/// connections: their clients rejoin, which checks membership afresh, and catch up from the log.
/// </summary>
public sealed class RedisRoomConnections : IRoomConnections
{
    readonly InProcessRoomConnections local;
    readonly RedisPresence presence;
    readonly RoomBus bus;
    readonly IConnectionMultiplexer redis;
    readonly ILogger<RedisRoomConnections> log;
    volatile bool lostRedis;

    public RedisRoomConnections(InProcessRoomConnections local, RedisPresence presence, RoomBus bus, IConnectionMultiplexer redis,
        ILogger<RedisRoomConnections> log)
    {
        (this.local, this.presence, this.bus, this.redis, this.log) = (local, presence, bus, redis, log);
        bus.On(BusKind.Revoke, m =>
        {
            local.Revoke(m.RoomId, m.MemberId, Enum.Parse<RefusalCode>(m.Name!));
            return Task.CompletedTask;
        });
        bus.On(BusKind.Close, m => CloseHereAsync(m.RoomId, m.MemberId, CancellationToken.None));
        redis.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType != ConnectionType.Subscription) return;
            lostRedis = true;
            log.LogWarning("Lost Redis ({Failure}): room calls are refused until it is back", e.FailureType);
        };
        redis.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType != ConnectionType.Subscription || !lostRedis) return;
            lostRedis = false;
            // What the other nodes said meanwhile is lost: start every connection afresh.
            log.LogWarning("Redis is back: closing this node's connections so their clients rejoin and catch up");
            local.AbortAll();
        };
    }

    public bool Reachable => bus.Listening && !lostRedis && redis.IsConnected;

    public void Opened(string connectionId, Action abort) => local.Opened(connectionId, abort);

    public void Closed(string connectionId) => local.Closed(connectionId);

    public void Abort(string connectionId) => local.Abort(connectionId);

    public async Task<bool> ConnectAsync(string roomId, string memberId, string connectionId)
    {
        if (!local.Connect(roomId, memberId, connectionId)) return false;
        try { return await presence.ConnectAsync(roomId, memberId); }
        catch (RedisException)
        {
            local.Disconnect(roomId, memberId, connectionId);
            throw RoomBus.Unreachable();
        }
    }

    public async Task<bool> DisconnectAsync(string roomId, string memberId, string connectionId)
    {
        if (!local.Disconnect(roomId, memberId, connectionId)) return false;
        try { return await presence.DisconnectAsync(roomId, memberId); }
        catch (RedisException e)
        {
            // Once this node is seen as gone (or Redis comes back empty) its count goes with it.
            log.LogWarning(e, "Could not record that a member left room {RoomId}", roomId);
            return false;
        }
    }

    public async Task<IReadOnlyList<string>> OnlineAsync(string roomId)
    {
        try { return await presence.OnlineAsync(roomId); }
        catch (RedisException) { throw RoomBus.Unreachable(); }
    }

    public IReadOnlyList<string> ConnectionsOf(string roomId, string memberId) => local.ConnectionsOf(roomId, memberId);

    public IReadOnlyList<string> ConnectionsIn(string roomId) => local.ConnectionsIn(roomId);

    public async Task RevokeAsync(string roomId, string? memberId, RefusalCode reason, CancellationToken ct)
    {
        local.Revoke(roomId, memberId, reason);
        await bus.PublishAndWaitAsync(BusKind.Revoke, roomId, memberId, reason.ToString(), ct);
    }

    public RefusalCode? Revocation(string roomId, string memberId) => local.Revocation(roomId, memberId);

    public async Task CloseAsync(string roomId, string? memberId, CancellationToken ct)
    {
        await CloseHereAsync(roomId, memberId, ct);
        await bus.PublishAndWaitAsync(BusKind.Close, roomId, memberId, null, ct);
    }

    /// <summary>Closes this node's connections of the member (or room) and takes back what this node counted online.</summary>
    async Task CloseHereAsync(string roomId, string? memberId, CancellationToken ct)
    {
        var members = memberId is null ? local.Online(roomId) : [memberId];
        await local.CloseAsync(roomId, memberId, ct);
        foreach (var member in members)
        {
            try { await presence.DisconnectAsync(roomId, member); }
            catch (RedisException e) { log.LogWarning(e, "Could not record that a member was shut out of room {RoomId}", roomId); }
        }
    }
}
