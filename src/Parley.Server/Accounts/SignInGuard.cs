using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;

namespace Parley.Server.Accounts;

/// <summary>Settings under "Parley:SignIn" (environment: Parley__SignIn__Name).</summary>
public sealed class SignInLimits
{
    public const string Section = "Parley:SignIn";

    /// <summary>Sign-in attempts one client address (IPv6: one /64) may make per minute.</summary>
    [Range(1, 1_000_000)] public int PerAddressPerMinute { get; set; } = 10;

    /// <summary>Sign-in attempts on one user name per minute, from anywhere.</summary>
    [Range(1, 1_000_000)] public int PerAccountPerMinute { get; set; } = 5;

    /// <summary>Wrong passwords in a row after which a user name, known or not, is locked.</summary>
    [Range(1, 1_000_000)] public int LockAfterFailures { get; set; } = 5;

    /// <summary>How long a locked user name stays locked.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan LockFor { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// What stands between a password guesser and the hasher: attempts are counted per address (a
/// guesser spreading over many accounts) and per user name (many addresses on one account), each
/// password hash being costly enough to slow the whole server; and a user name locks after
/// <see cref="SignInLimits.LockAfterFailures"/> wrong passwords.
/// </summary>
/// <remarks>
/// Every count lives here, in memory, and treats a user name that does not exist exactly like one
/// that does: same work, same lock, no database write (Identity's own lockout wrote the failure
/// count to the user's row, which both took longer and locked only names that exist, so either
/// told a guesser which names are real).
/// </remarks>
public sealed class SignInGuard(IOptions<SignInLimits> options, IOptions<PasswordHasherOptions> hashing, TimeProvider clock) : IDisposable
{
    readonly SignInLimits limits = options.Value;
    readonly PartitionedRateLimiter<string> perAddress = PerMinute(options.Value.PerAddressPerMinute);
    readonly PartitionedRateLimiter<string> perAccount = PerMinute(options.Value.PerAccountPerMinute);
    // Bounded: past this many names with recent failures (the per-address limit makes that many
    // addresses), a new name's failures go uncounted until entries expire.
    readonly MemoryCache failures = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    readonly ParleyUser nobody = new() { UserName = "nobody" };
    // Identity's hasher is scoped; this guard lives for the process, so it keeps one of its own
    // with the same options, which does the same work per check.
    readonly PasswordHasher<ParleyUser> hasher = new(hashing);
    readonly Lazy<string> nobodysHash = new(() => new PasswordHasher<ParleyUser>(hashing).HashPassword(new ParleyUser(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));

    sealed class Failures
    {
        public int InARow;
        public DateTimeOffset LockedUntil;
    }

    static string KeyOf(string userName) => userName.ToUpperInvariant();

    /// <returns>False when this address or this user name has had its attempts for now.</returns>
    public bool TryAttempt(HttpContext http, string userName)
    {
        using var address = perAddress.AttemptAcquire(ClientAddress.KeyOf(http));
        if (!address.IsAcquired) return false;
        using var account = perAccount.AttemptAcquire(KeyOf(userName));
        return account.IsAcquired;
    }

    /// <summary>Whether this user name (known or not) had too many wrong passwords lately.</summary>
    public bool IsLocked(string userName) =>
        failures.TryGetValue(KeyOf(userName), out Failures? entry) && entry!.LockedUntil > clock.GetUtcNow();

    /// <summary>A wrong password, or a user name that does not exist: counts toward the lock.</summary>
    public void Failed(string userName)
    {
        var entry = failures.GetOrCreate(KeyOf(userName), e =>
        {
            e.Size = 1;
            e.SlidingExpiration = limits.LockFor;
            return new Failures();
        })!;
        lock (entry)
        {
            if (++entry.InARow < limits.LockAfterFailures) return;
            entry.InARow = 0;
            entry.LockedUntil = clock.GetUtcNow() + limits.LockFor;
        }
    }

    /// <summary>The right password: the count starts again.</summary>
    public void Succeeded(string userName) => failures.Remove(KeyOf(userName));

    /// <summary>
    /// The work of checking a password, for a user name that does not exist: otherwise an unknown
    /// name answers in a fraction of the time, and user names can be enumerated.
    /// </summary>
    public void SpendAsOnAKnownUser(string password) => hasher.VerifyHashedPassword(nobody, nobodysHash.Value, password);

    public void Dispose()
    {
        perAddress.Dispose();
        perAccount.Dispose();
        failures.Dispose();
    }

    static PartitionedRateLimiter<string> PerMinute(int permits) => PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
        }));
}
