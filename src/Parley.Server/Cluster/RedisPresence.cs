using StackExchange.Redis;

namespace Parley.Server.Cluster;

/// <summary>
/// Who is online in each room, over every node, in Redis. A room's hash counts, per member, the
/// nodes where that member has a connection; each node's own hash lists the (room, member) pairs
/// it counted, so that what a dead node counted can be taken back. A node proves it lives with a
/// key that expires unless renewed (<see cref="Heartbeat"/>); the others sweep a node whose key
/// has gone. Each change is one Lua script, so nodes never interleave half-changes.
/// </summary>
public sealed class RedisPresence(IConnectionMultiplexer redis, ClusterNode node)
{
    public static readonly TimeSpan AliveFor = TimeSpan.FromSeconds(10);

    const string Nodes = "parley:nodes";
    static RedisKey RoomKey(string roomId) => "parley:presence:" + roomId;
    static RedisKey NodeKey(string nodeId) => "parley:node:" + nodeId + ":presence";
    static RedisKey AliveKey(string nodeId) => "parley:node:" + nodeId + ":alive";
    static RedisValue Pair(string roomId, string memberId) => roomId + " " + memberId;

    // KEYS: node's hash, room's hash. ARGV: pair, member. Returns 1 when the member is now online
    // on its first node.
    static readonly LuaScript ConnectScript = LuaScript.Prepare("""
        if redis.call('HSETNX', @nodeKey, @pair, 1) == 0 then return 0 end
        if redis.call('HINCRBY', @roomKey, @member, 1) == 1 then return 1 end
        return 0
        """);

    // Returns 1 when that was the member's last node in the room.
    static readonly LuaScript DisconnectScript = LuaScript.Prepare("""
        if redis.call('HDEL', @nodeKey, @pair) == 0 then return 0 end
        if redis.call('HINCRBY', @roomKey, @member, -1) <= 0 then
            redis.call('HDEL', @roomKey, @member)
            return 1
        end
        return 0
        """);

    // Takes back what a node without its alive key counted; returns the pairs that went offline.
    // Removing the node from the set first makes one sweeper do it, however many run at once.
    static readonly LuaScript SweepScript = LuaScript.Prepare("""
        if redis.call('EXISTS', @aliveKey) == 1 then return {} end
        if redis.call('SREM', @nodes, @nodeId) == 0 then return {} end
        local gone = {}
        local pairs = redis.call('HKEYS', @nodeKey)
        for _, pair in ipairs(pairs) do
            local space = string.find(pair, ' ', 1, true)
            local room = string.sub(pair, 1, space - 1)
            local member = string.sub(pair, space + 1)
            local roomKey = 'parley:presence:' .. room
            if redis.call('HINCRBY', roomKey, member, -1) <= 0 then
                redis.call('HDEL', roomKey, member)
                table.insert(gone, pair)
            end
        end
        redis.call('DEL', @nodeKey)
        return gone
        """);

    IDatabase Db => redis.GetDatabase();

    /// <returns>True when this is the member's first node in the room (announce it).</returns>
    public async Task<bool> ConnectAsync(string roomId, string memberId) =>
        (int)await Db.ScriptEvaluateAsync(ConnectScript,
            new { nodeKey = NodeKey(node.Id), roomKey = RoomKey(roomId), pair = Pair(roomId, memberId), member = (RedisValue)memberId }) == 1;

    /// <returns>True when that was the member's last node in the room (announce it).</returns>
    public async Task<bool> DisconnectAsync(string roomId, string memberId) =>
        (int)await Db.ScriptEvaluateAsync(DisconnectScript,
            new { nodeKey = NodeKey(node.Id), roomKey = RoomKey(roomId), pair = Pair(roomId, memberId), member = (RedisValue)memberId }) == 1;

    public async Task<IReadOnlyList<string>> OnlineAsync(string roomId) =>
        (await Db.HashKeysAsync(RoomKey(roomId))).Select(k => k.ToString()).ToList();

    /// <summary>Says this node lives, for a little longer than the time to the next beat.</summary>
    public async Task Heartbeat()
    {
        var db = Db;
        await db.StringSetAsync(AliveKey(node.Id), 1, AliveFor);
        await db.SetAddAsync(Nodes, node.Id);
    }

    /// <returns>The (room, member) pairs that went offline with nodes that stopped beating.</returns>
    public async Task<IReadOnlyList<(string RoomId, string MemberId)>> SweepDeadNodesAsync()
    {
        var db = Db;
        var gone = new List<(string, string)>();
        foreach (var other in await db.SetMembersAsync(Nodes))
        {
            var id = other.ToString();
            if (id == node.Id) continue;
            var pairs = (RedisResult[]?)await db.ScriptEvaluateAsync(SweepScript,
                new { aliveKey = AliveKey(id), nodes = (RedisKey)Nodes, nodeId = (RedisValue)id, nodeKey = NodeKey(id) });
            foreach (var pair in pairs ?? [])
            {
                var text = pair.ToString();
                var space = text.IndexOf(' ');
                gone.Add((text[..space], text[(space + 1)..]));
            }
        }
        return gone;
    }
}
