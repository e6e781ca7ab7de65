using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Hosting;
using Parley.Server.Throttling;

namespace Parley.Server.Rooms;

/// <summary>
/// Room passwords: hashed with ASP.NET Core Identity's PBKDF2 hasher, checked on the server, and
/// guessing slowed twice over. Per room and client address: a few free tries, then a wait that
/// doubles with each wrong guess, so one address behind a shared proxy cannot lock the password out
/// for everyone else. Per room: a ceiling on wrong guesses an hour from all addresses together, so
/// many addresses cannot guess without bound either.
/// </summary>
/// <remarks>
/// The trade-off, also in docs/protocol.md: an address in good standing still has its password
/// checked while others back off, but once the room's ceiling is reached every newcomer is refused
/// until the hour is over, even with the right password. Someone with many addresses can keep
/// newcomers out of a room for that hour; nobody can guess more than the ceiling. Members who
/// already got in resume without the password and are never affected.
/// </remarks>
public sealed class RoomPasswords(IOptions<ParleyOptions> options, ILimitStore limits)
{
    public const int MinLength = Limits.PasswordMinLength;
    public const int MaxLength = Limits.PasswordMaxLength;
    static readonly TimeSpan CeilingWindow = TimeSpan.FromHours(1);

    readonly PasswordHasher<Room> hasher = new();

    ParleyOptions Settings => options.Value;

    /// <returns>The hash to store, or null to remove protection.</returns>
    public string? Hash(string? password)
    {
        if (string.IsNullOrEmpty(password)) return null;
        if (password.Length is < MinLength or > MaxLength)
            throw new Refusal(RefusalCode.PasswordInvalid, $"Invalid password: use {MinLength} to {MaxLength} characters.");
        return hasher.HashPassword(null!, password);
    }

    /// <exception cref="Refusal">When the password is missing, wrong, or guessed too often (or the counts cannot be reached).</exception>
    public async Task CheckAsync(Room room, string? password, string clientAddress)
    {
        if (room.PasswordHash is null) return;
        if (string.IsNullOrEmpty(password)) throw new Refusal(RefusalCode.PasswordRequired, "This room needs a password.");
        // The guess counts as wrong before it is checked, so parallel guesses (on any node) cannot
        // slip past the limits while the hash is computed; a right one takes its counts back.
        var roomWide = new LimitKey("room-password", room.Id);
        var address = new LimitKey("room-password-address", room.Id + "|" + clientAddress);
        if (!await limits.TryTakeAsync(roomWide, Settings.PasswordFailuresPerRoomPerHour, CeilingWindow))
            throw new Refusal(RefusalCode.PasswordAttempts, "Too many wrong passwords for this room: try again within the hour.");
        // No wait for the free tries, then the base wait doubled with each wrong guess, up to the
        // cap; an address forgiven after an hour without a wrong guess.
        var wait = await limits.TryStrikeAsync(address, CeilingWindow,
            new Backoff(Settings.PasswordFreeTries, Settings.PasswordBackoff, Settings.PasswordBackoffMax));
        if (wait > TimeSpan.Zero)
        {
            await limits.GiveBackAsync(roomWide);
            throw new Refusal(RefusalCode.PasswordAttempts, $"Too many password attempts: wait {Math.Ceiling(wait.TotalSeconds):0} s.");
        }
        if (password.Length <= MaxLength && hasher.VerifyHashedPassword(null!, room.PasswordHash, password) != PasswordVerificationResult.Failed)
        {
            await limits.GiveBackAsync(roomWide);
            await limits.ForgetAsync(address);
            return;
        }
        throw new Refusal(RefusalCode.PasswordWrong, "Wrong room password.");
    }
}
