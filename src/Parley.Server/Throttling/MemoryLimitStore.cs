using Parley.Protocol;

namespace Parley.Server.Throttling;

/// <summary>
/// One node's limits, in its own memory, timed by the server's <see cref="TimeProvider"/> (tests
/// drive it). One lock makes every operation atomic; each is a few dictionary steps.
/// </summary>
/// <remarks>
/// Bounded: entries past their time are swept whenever the table has doubled since the last sweep,
/// and past <see cref="Capacity"/> live entries new keys are refused as rate-limited (failing
/// closed: a flood of addresses or names cannot make the server forget the counts that matter).
/// </remarks>
public sealed class MemoryLimitStore(TimeProvider clock) : ILimitStore
{
    /// <summary>Live keys kept at most (a few tens of MB).</summary>
    public const int Capacity = 100_000;

    sealed class Entry
    {
        public long Count;
        public DateTimeOffset Expires;
        public DateTimeOffset WaitUntil;
    }

    readonly Dictionary<string, Entry> entries = [];
    int sweepAt = 1024;
    DateTimeOffset noSweepBefore;

    static string Name(LimitKey key) => key.Scope + "\n" + key.Subject;

    public Task<bool> TryTakeAsync(LimitKey key, int limit, TimeSpan window)
    {
        lock (entries)
        {
            var now = clock.GetUtcNow();
            var entry = Live(Name(key), now, create: true)!;
            if (entry.Count >= limit) return Task.FromResult(false);
            if (entry.Count++ == 0) entry.Expires = now + window;
            return Task.FromResult(true);
        }
    }

    public Task GiveBackAsync(LimitKey key)
    {
        lock (entries)
            if (Live(Name(key), clock.GetUtcNow(), create: false) is { Count: > 0 } entry) entry.Count--;
        return Task.CompletedTask;
    }

    public Task<TimeSpan> TryStrikeAsync(LimitKey key, TimeSpan window, Backoff backoff)
    {
        lock (entries)
        {
            var now = clock.GetUtcNow();
            var entry = Live(Name(key), now, create: true)!;
            if (entry.WaitUntil > now) return Task.FromResult(entry.WaitUntil - now);
            entry.Count++;
            entry.Expires = now + window;
            entry.WaitUntil = now + backoff.After(entry.Count);
            return Task.FromResult(TimeSpan.Zero);
        }
    }

    public Task ForgetAsync(LimitKey key)
    {
        lock (entries) entries.Remove(Name(key));
        return Task.CompletedTask;
    }

    public Task<bool> TryClaimAsync(LimitKey key, TimeSpan lifetime)
    {
        lock (entries)
        {
            var now = clock.GetUtcNow();
            var entry = Live(Name(key), now, create: true)!;
            if (entry.Count > 0) return Task.FromResult(false);
            (entry.Count, entry.Expires) = (1, now + lifetime);
            return Task.FromResult(true);
        }
    }

    /// <summary>The key's entry if it is still live; a fresh one (or null) otherwise.</summary>
    Entry? Live(string name, DateTimeOffset now, bool create)
    {
        if (entries.TryGetValue(name, out var entry) && (entry.Expires > now || entry.WaitUntil > now)) return entry;
        if (entry is not null) entries.Remove(name);
        if (!create) return null;
        if (entries.Count >= sweepAt && now >= noSweepBefore) Sweep(now);
        if (entries.Count >= Capacity)
            throw new Refusal(RefusalCode.RateLimited, "The server is tracking too many attempts right now: try again in a few minutes.");
        return entries[name] = new Entry();
    }

    void Sweep(DateTimeOffset now)
    {
        foreach (var (name, entry) in entries)
            if (entry.Expires <= now && entry.WaitUntil <= now) entries.Remove(name);
        sweepAt = Math.Clamp(entries.Count * 2, 1024, Capacity);
        // Full of live keys: sweeping again at once would find nothing, and cost a pass per request.
        noSweepBefore = entries.Count >= Capacity ? now + TimeSpan.FromSeconds(1) : now;
    }
}
