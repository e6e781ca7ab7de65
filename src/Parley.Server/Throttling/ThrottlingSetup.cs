using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace Parley.Server.Throttling;

public static class ThrottlingSetup
{
    /// <summary>
    /// The limits' store: Redis when the node is one of several (ClusterSetup registered a Redis
    /// connection), otherwise this process's memory.
    /// </summary>
    /// <remarks>
    /// Not shared, on purpose: the per-address connection cap (ConnectionGate) and the calls per
    /// connection (HubRateLimit). A connection lives on one node, and the cap guards that node's
    /// sockets and buffers; a cap across nodes belongs in front of them (nginx limit_conn,
    /// docs/configuration.md).
    /// </remarks>
    public static void AddParleyThrottling(this IServiceCollection services) =>
        services.AddSingleton<ILimitStore>(s => s.GetService<IConnectionMultiplexer>() is { } redis
            ? new RedisLimitStore(redis, s.GetRequiredService<IDataProtectionProvider>(), s.GetRequiredService<ILogger<RedisLimitStore>>())
            : new MemoryLimitStore(s.GetRequiredService<TimeProvider>()));
}
