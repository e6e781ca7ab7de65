using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Parley.Server.Cluster;

/// <summary>
/// Several nodes: <c>ConnectionStrings:Redis</c> switches on what they share besides the database.
/// Without it Parley is one node and keeps that state in its own memory.
/// </summary>
public static class ClusterSetup
{
    public const string ConnectionName = "Redis";

    /// <summary>The Redis connection string, or null for a single node.</summary>
    public static string? RedisOf(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionName) is { Length: > 0 } value ? value : null;

    /// <summary>
    /// One Redis connection for the whole process (StackExchange.Redis multiplexes every caller over
    /// it), made at start. It does not fail the start when Redis is down: it keeps trying, and
    /// /healthz/ready says "redis" until it answers.
    /// </summary>
    public static void AddParleyCluster(this WebApplicationBuilder builder, ISignalRServerBuilder signalR)
    {
        var node = new ClusterNode();
        builder.Services.AddSingleton(node);
        builder.Services.AddSingleton(s => new RoomBus(s.GetService<IConnectionMultiplexer>(), node, s.GetRequiredService<ILogger<RoomBus>>()));
        if (RedisOf(builder.Configuration) is not { } redis) return;

        var options = ConfigurationOptions.Parse(redis);
        options.AbortOnConnectFail = false;
        options.ClientName ??= "parley-" + node.Id;
        var multiplexer = ConnectionMultiplexer.Connect(options);
        builder.Services.AddSingleton<IConnectionMultiplexer>(multiplexer);
        builder.Services.AddSingleton<RedisPresence>();
        // Lobby guests and anything else addressed by SignalR group or connection id reach the node
        // holding the connection. Room events go through Parley's own bus (RoomBus) instead, so
        // that every node still delivers through its per-connection outboxes.
        signalR.AddStackExchangeRedis(backplane =>
        {
            backplane.Configuration.ChannelPrefix = RedisChannel.Literal("parley-signalr");
            backplane.ConnectionFactory = _ => Task.FromResult<IConnectionMultiplexer>(multiplexer);
        });
        builder.Services.AddHealthChecks().AddCheck<RedisCheck>("redis", tags: [Hosting.Readiness.Ready]);
    }

    sealed class RedisCheck(IConnectionMultiplexer redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            try
            {
                var took = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
                return HealthCheckResult.Healthy($"Redis answers in {took.TotalMilliseconds:0.#} ms.");
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy($"Redis does not answer: {e.Message}");
            }
        }
    }
}

/// <summary>This process among the nodes: an id of its own, new at every start, so a restarted node is a new one.</summary>
public sealed class ClusterNode
{
    public string Id { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
}
