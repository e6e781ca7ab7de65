using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Parley.Protocol;
using StackExchange.Redis;

namespace Parley.Server.Throttling;

/// <summary>
/// The limits shared by every node, in Redis. Each operation is one Lua script or one command, so
/// it is atomic across nodes; every key has an expiry (Redis's clock), so memory stays bounded.
/// </summary>
/// <remarks>
/// Keys are <c>parley:limit:&lt;scope&gt;:{&lt;hash&gt;}</c> where the hash is an HMAC of scope and
/// subject: user names, addresses and room ids never sit in Redis. The HMAC key is random, kept in
/// Redis sealed with Data Protection (whose keys the nodes share through the database), so a copy
/// of Redis alone cannot test guesses of user names against the hashes. Each node reads it again
/// every half minute: after Redis loses its data (and every count with it) the nodes agree on a
/// new key within that time.
/// </remarks>
public sealed class RedisLimitStore(IConnectionMultiplexer redis, IDataProtectionProvider protection, ILogger<RedisLimitStore> log)
    : ILimitStore
{
    const string SealedKeyName = "parley:limit-hash-key";
    static readonly TimeSpan SealedKeyLifetime = TimeSpan.FromDays(30);
    const long KeyRecheckMs = 30_000;

    static readonly Refusal Unavailable = new(RefusalCode.ServerUnavailable,
        "The server cannot check its limits right now (its shared store does not answer): try again shortly.");

    const string GetOrSetKey = """
        local v = redis.call('GET', KEYS[1])
        if not v then redis.call('SET', KEYS[1], ARGV[1]) v = ARGV[1] end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return v
        """;

    const string Take = """
        local n = tonumber(redis.call('GET', KEYS[1]) or '0')
        if n >= tonumber(ARGV[1]) then return 0 end
        redis.call('INCR', KEYS[1])
        if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 1
        """;

    const string GiveBack = """
        if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
        return 0
        """;

    // ARGV: window ms, free strikes, then the waits (ms) after the free strikes, the last repeating.
    const string Strike = """
        local wait = redis.call('PTTL', KEYS[2])
        if wait > 0 then return wait end
        local n = redis.call('INCR', KEYS[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        local beyond = n - tonumber(ARGV[2])
        if beyond >= 0 then
          local ms = tonumber(ARGV[3 + math.min(beyond, #ARGV - 3)])
          if ms > 0 then redis.call('SET', KEYS[2], '1', 'PX', ms) end
        end
        return 0
        """;

    readonly IDataProtector protector = protection.CreateProtector("Parley.Limits.HashKey.v1");
    readonly SemaphoreSlim keyGate = new(1, 1);
    byte[]? hashKey;
    long recheckAt;

    public Task<bool> TryTakeAsync(LimitKey key, int limit, TimeSpan window) => RunAsync(async db =>
        (long)await db.ScriptEvaluateAsync(Take, [await NameAsync(key)], [limit, Ms(window)]) == 1);

    public Task GiveBackAsync(LimitKey key) => RunAsync(async db =>
        await db.ScriptEvaluateAsync(GiveBack, [await NameAsync(key)]));

    public Task<TimeSpan> TryStrikeAsync(LimitKey key, TimeSpan window, Backoff backoff) => RunAsync(async db =>
    {
        var name = await NameAsync(key);
        RedisValue[] args = [Ms(window), backoff.Free, .. Waits(backoff)];
        var wait = (long)await db.ScriptEvaluateAsync(Strike, [(RedisKey)name, (RedisKey)(name + ":wait")], args);
        return TimeSpan.FromMilliseconds(wait);
    });

    public Task ForgetAsync(LimitKey key) => RunAsync(async db =>
    {
        var name = await NameAsync(key);
        return await db.KeyDeleteAsync([(RedisKey)name, (RedisKey)(name + ":wait")]);
    });

    public Task<bool> TryClaimAsync(LimitKey key, TimeSpan lifetime) => RunAsync(async db =>
        await db.StringSetAsync(await NameAsync(key), 1, TimeSpan.FromMilliseconds(Ms(lifetime)), When.NotExists));

    /// <summary>The waits after the free strikes, in ms, up to the first that reaches the cap (at most 31).</summary>
    static IEnumerable<RedisValue> Waits(Backoff backoff)
    {
        for (var beyond = 0; beyond <= 30; beyond++)
        {
            var wait = backoff.After(backoff.Free + beyond);
            yield return (long)Math.Ceiling(wait.TotalMilliseconds);
            if (wait >= backoff.Max) yield break;
        }
    }

    static long Ms(TimeSpan span) => Math.Max(1, (long)Math.Ceiling(span.TotalMilliseconds));

    async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> operation)
    {
        try { return await operation(redis.GetDatabase()); }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            log.LogWarning("Refused a limited call: Redis does not answer ({Error})", e.Message);
            throw Unavailable;
        }
        catch (CryptographicException e)
        {
            log.LogError(e, "Refused a limited call: the limits' hash key in Redis was sealed with Data Protection keys this node does not have " +
                "(every node must use the same database)");
            throw Unavailable;
        }
    }

    async Task<string> NameAsync(LimitKey key)
    {
        var subject = Encoding.UTF8.GetBytes(key.Scope + "\n" + key.Subject);
        var hash = HMACSHA256.HashData(await HashKeyAsync(), subject).AsSpan(0, 16);
        return $"parley:limit:{key.Scope}:{{{Convert.ToHexStringLower(hash)}}}";
    }

    async Task<byte[]> HashKeyAsync()
    {
        if (hashKey is { } known && Environment.TickCount64 < Volatile.Read(ref recheckAt)) return known;
        await keyGate.WaitAsync();
        try
        {
            if (hashKey is { } fresh && Environment.TickCount64 < recheckAt) return fresh;
            // Offered in case there is none yet; whichever node's offer lands first is everyone's key.
            var offer = protector.Protect(RandomNumberGenerator.GetBytes(32));
            var sealedKey = (byte[])(await redis.GetDatabase().ScriptEvaluateAsync(GetOrSetKey, [SealedKeyName],
                [offer, Ms(SealedKeyLifetime)]))!;
            hashKey = protector.Unprotect(sealedKey);
            Volatile.Write(ref recheckAt, Environment.TickCount64 + KeyRecheckMs);
            return hashKey;
        }
        finally { keyGate.Release(); }
    }
}
