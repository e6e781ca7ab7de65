using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Hosting;

namespace Parley.Server.Realtime;

/// <summary>Caps hub calls per connection, so one client cannot flood a room or the database.</summary>
public sealed class HubRateLimit(IOptions<ParleyOptions> options) : IHubFilter
{
    const string Key = "parley.rate";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation,
        Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var items = invocation.Context.Items;
        if (!items.TryGetValue(Key, out var limiter))
        {
            var perSecond = options.Value.HubCallsPerSecond;
            items[Key] = limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = perSecond * 2, TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0, AutoReplenishment = true,
            });
        }
        using var lease = ((RateLimiter)limiter!).AttemptAcquire();
        if (!lease.IsAcquired)
        {
            ParleyMetrics.RateLimitHit("hub");
            throw new Refusal(RefusalCode.RateLimited, "Too many requests: slow down.");
        }
        return await next(invocation);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception,
        Func<HubLifetimeContext, Exception?, Task> next)
    {
        if (context.Context.Items.TryGetValue(Key, out var limiter)) ((RateLimiter)limiter!).Dispose();
        return next(context, exception);
    }
}
