using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Throttling;

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
/// The counts live in the limit store (this process's memory, or Redis shared by every node) and
/// treat a user name that does not exist exactly like one that does: same work, same lock, no
/// database write (Identity's own lockout wrote the failure count to the user's row, which both
/// took longer and locked only names that exist, so either told a guesser which names are real).
/// </remarks>
public sealed class SignInGuard(IOptions<SignInLimits> options, IOptions<PasswordHasherOptions> hashing, ILimitStore limits)
{
    static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    readonly SignInLimits settings = options.Value;
    readonly ParleyUser nobody = new() { UserName = "nobody" };
    // Identity's hasher is scoped; this guard lives for the process, so it keeps one of its own
    // with the same options, which does the same work per check.
    readonly PasswordHasher<ParleyUser> hasher = new(hashing);
    readonly Lazy<string> nobodysHash = new(() => new PasswordHasher<ParleyUser>(hashing).HashPassword(new ParleyUser(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));

    static LimitKey Name(string userName) => new("signin-name", userName.ToUpperInvariant());

    /// <returns>False when this address or this user name has had its attempts for now.</returns>
    /// <exception cref="Parley.Protocol.Refusal">The counts cannot be reached (server-unavailable).</exception>
    public async Task<bool> TryAttemptAsync(HttpContext http, string userName) =>
        await limits.TryTakeAsync(new LimitKey("signin-address", ClientAddress.KeyOf(http)), settings.PerAddressPerMinute, Minute) &&
        await limits.TryTakeAsync(new LimitKey("signin-account", userName.ToUpperInvariant()), settings.PerAccountPerMinute, Minute);

    /// <summary>
    /// Counts the attempt as a failure before the password is checked, so parallel guesses on any
    /// node cannot slip past the lock; <see cref="SucceededAsync"/> takes it back.
    /// </summary>
    /// <returns>False when this user name (known or not) had too many wrong passwords lately: it is locked.</returns>
    public async Task<bool> TryBeginAsync(string userName) =>
        await limits.TryStrikeAsync(Name(userName), settings.LockFor,
            new Backoff(settings.LockAfterFailures, settings.LockFor, settings.LockFor)) == TimeSpan.Zero;

    /// <summary>The right password: the count starts again.</summary>
    public Task SucceededAsync(string userName) => limits.ForgetAsync(Name(userName));

    /// <summary>
    /// The work of checking a password, for a user name that does not exist: otherwise an unknown
    /// name answers in a fraction of the time, and user names can be enumerated.
    /// </summary>
    public void SpendAsOnAKnownUser(string password) => hasher.VerifyHashedPassword(nobody, nobodysHash.Value, password);
}
