using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Hosting;

namespace Parley.Server.Realtime;

/// <summary>Caps hub calls per connection, so one client cannot flood a room or the database.</summary>
public sealed class HubRateLimit(IOptions<ParleyOptions> options, TimeProvider clock) : IHubFilter
{
    const string Key = "parley.rate";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation,
        Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var items = invocation.Context.Items;
        if (!items.TryGetValue(Key, out var bucket))
            items[Key] = bucket = new CallBucket(options.Value.HubCallsPerSecond, clock.GetTimestamp());
        if (!((CallBucket)bucket!).TryTake(CostOf(invocation), clock.GetTimestamp(), clock.TimestampFrequency))
        {
            ParleyMetrics.RateLimitHit("hub");
            throw new Refusal(RefusalCode.RateLimited, "Too many requests: slow down.");
        }
        return await next(invocation);
    }

    /// <summary>A pipelined push counts once per update it carries: pipelining saves round trips, not the limit.</summary>
    static int CostOf(HubInvocationContext invocation) =>
        invocation.HubMethodName == nameof(RoomHub.PushDocUpdates) && invocation.HubMethodArguments is [_, Envelope[] { Length: > 1 } updates, ..]
            ? updates.Length : 1;

    /// <summary>
    /// A token bucket of twice the per-second rate, refilled by the rate once a second, counted
    /// when a call comes rather than by a timer: an idle connection costs these few fields and no
    /// timer (a framework limiter with automatic replenishment keeps one per connection).
    /// </summary>
    sealed class CallBucket(int perSecond, long now)
    {
        int tokens = perSecond * 2;
        long periodStart = now;

        public bool TryTake(int cost, long now, long ticksPerSecond)
        {
            lock (this)
            {
                var periods = (now - periodStart) / ticksPerSecond;
                if (periods > 0)
                {
                    tokens = (int)Math.Min(perSecond * 2L, tokens + periods * perSecond);
                    periodStart += periods * ticksPerSecond;
                }
                if (tokens < cost) return false;
                tokens -= cost;
                return true;
            }
        }
    }
}
