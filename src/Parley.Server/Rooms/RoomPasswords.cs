using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Parley.Protocol;

namespace Parley.Server.Rooms;

/// <summary>
/// Room passwords: hashed with ASP.NET Core Identity's PBKDF2 hasher, checked on the server, and
/// guessing slowed to a few tries per room and client address.
/// </summary>
public sealed class RoomPasswords : IDisposable
{
    public const int MinLength = Limits.PasswordMinLength;
    public const int MaxLength = Limits.PasswordMaxLength;
    public const int TriesPerWindow = 5;
    static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    readonly PasswordHasher<Room> hasher = new();
    readonly PartitionedRateLimiter<string> tries = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = TriesPerWindow, Window = Window, QueueLimit = 0, AutoReplenishment = true,
        }));

    /// <returns>The hash to store, or null to remove protection.</returns>
    public string? Hash(string? password)
    {
        if (string.IsNullOrEmpty(password)) return null;
        if (password.Length is < MinLength or > MaxLength)
            throw new Refusal(RefusalCode.PasswordInvalid, $"Invalid password: use {MinLength} to {MaxLength} characters.");
        return hasher.HashPassword(null!, password);
    }

    /// <exception cref="Refusal">When the password is missing, wrong, or guessed too often.</exception>
    public void Check(Room room, string? password, string clientAddress)
    {
        if (room.PasswordHash is null) return;
        if (string.IsNullOrEmpty(password)) throw new Refusal(RefusalCode.PasswordRequired, "This room needs a password.");
        using var lease = tries.AttemptAcquire($"{room.Id}|{clientAddress}");
        if (!lease.IsAcquired) throw new Refusal(RefusalCode.PasswordAttempts, "Too many password attempts: wait a few minutes.");
        if (password.Length > MaxLength || hasher.VerifyHashedPassword(null!, room.PasswordHash, password) == PasswordVerificationResult.Failed)
            throw new Refusal(RefusalCode.PasswordWrong, "Wrong room password.");
    }

    public void Dispose() => tries.Dispose();
}
