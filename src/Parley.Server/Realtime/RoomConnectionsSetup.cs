using Parley.Server.Cluster;
using Parley.Server.Hosting;

namespace Parley.Server.Realtime;

public static class RoomConnectionsSetup
{
    /// <summary>One node keeps its connections in memory; with Redis, nodes share them (<see cref="RedisRoomConnections"/>).</summary>
    public static void AddParleyRoomConnections(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<RoomEventCodec>();
        services.AddSingleton<InProcessRoomConnections>();
        if (ClusterSetup.RedisOf(builder.Configuration) is null)
        {
            services.AddSingleton<IRoomConnections>(s => s.GetRequiredService<InProcessRoomConnections>());
            return;
        }
        services.AddSingleton<IRoomConnections, RedisRoomConnections>();
        services.AddHostedService<NodeHeartbeat>();
    }
}

/// <summary>
/// Says every few seconds that this node lives, and takes back the presence of nodes that stopped
/// saying so (killed, or cut off from Redis): their members are announced as gone.
/// </summary>
sealed class NodeHeartbeat(RedisPresence presence, RoomFanout fanout, TimeProvider clock, ILogger<NodeHeartbeat> log)
    : PeriodicSweep(RedisPresence.AliveFor / 3, clock, log)
{
    protected override string What => "the nodes' heartbeats";

    protected override async Task SweepOnceAsync(CancellationToken ct)
    {
        await presence.Heartbeat();
        foreach (var (roomId, memberId) in await presence.SweepDeadNodesAsync())
            await fanout.Room(roomId).MemberLeft(roomId, memberId);
    }
}
