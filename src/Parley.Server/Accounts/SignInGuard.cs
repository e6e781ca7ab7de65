using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;
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
}

/// <summary>
/// What stands between a password guesser and the hasher: attempts are counted per address (a
/// guesser spreading over many accounts) and per user name (many addresses on one account, beyond
/// Identity's lockout), each password hash being costly enough to slow the whole server.
/// </summary>
public sealed class SignInGuard(IOptions<SignInLimits> options, IOptions<PasswordHasherOptions> hashing) : IDisposable
{
    readonly PartitionedRateLimiter<string> perAddress = PerMinute(options.Value.PerAddressPerMinute);
    readonly PartitionedRateLimiter<string> perAccount = PerMinute(options.Value.PerAccountPerMinute);
    readonly ParleyUser nobody = new() { UserName = "nobody" };
    // Identity's hasher is scoped; this guard lives for the process, so it keeps one of its own
    // with the same options, which does the same work per check.
    readonly PasswordHasher<ParleyUser> hasher = new(hashing);
    readonly Lazy<string> nobodysHash = new(() => new PasswordHasher<ParleyUser>(hashing).HashPassword(new ParleyUser(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));

    /// <returns>False when this address or this user name has had its attempts for now.</returns>
    public bool TryAttempt(HttpContext http, string userName)
    {
        using var address = perAddress.AttemptAcquire(ClientAddress.KeyOf(http));
        if (!address.IsAcquired) return false;
        using var account = perAccount.AttemptAcquire(userName.ToUpperInvariant());
        return account.IsAcquired;
    }

    /// <summary>
    /// The work of checking a password, for a user name that does not exist: otherwise an unknown
    /// name answers in a fraction of the time, and user names can be enumerated.
    /// </summary>
    public void SpendAsOnAKnownUser(string password) => hasher.VerifyHashedPassword(nobody, nobodysHash.Value, password);

    public void Dispose()
    {
        perAddress.Dispose();
        perAccount.Dispose();
    }

    static PartitionedRateLimiter<string> PerMinute(int permits) => PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
        }));
}
