using System.Collections.Concurrent;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Hosting;

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
public sealed class RoomPasswords(IOptions<ParleyOptions> options, TimeProvider clock)
{
    public const int MinLength = Limits.PasswordMinLength;
    public const int MaxLength = Limits.PasswordMaxLength;
    static readonly TimeSpan CeilingWindow = TimeSpan.FromHours(1);
    /// <summary>Beyond this many tracked (room, address) pairs, the forgiven ones are swept out, so memory stays bounded.</summary>
    const int SweepAbove = 10_000;

    readonly PasswordHasher<Room> hasher = new();
    readonly ConcurrentDictionary<string, Guesses> byAddress = new();
    readonly ConcurrentDictionary<string, Guesses> byRoom = new();

    /// <summary>Wrong guesses since <see cref="Since"/>, and when the next try may come.</summary>
    sealed class Guesses
    {
        public int Wrong;
        public DateTimeOffset Since;
        public DateTimeOffset NextTry;
    }

    ParleyOptions Settings => options.Value;

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
        var now = clock.GetUtcNow();
        var address = byAddress.GetOrAdd($"{room.Id}|{clientAddress}", _ => new Guesses { Since = now });
        var roomWide = byRoom.GetOrAdd(room.Id, _ => new Guesses { Since = now });
        // The guess counts as wrong before it is checked, so parallel guesses cannot slip past the
        // limits while the hash is computed; a right one takes its count back.
        lock (roomWide)
        {
            if (now - roomWide.Since >= CeilingWindow) (roomWide.Wrong, roomWide.Since) = (0, now);
            if (roomWide.Wrong >= Settings.PasswordFailuresPerRoomPerHour)
                throw new Refusal(RefusalCode.PasswordAttempts, "Too many wrong passwords for this room: try again within the hour.");
            lock (address)
            {
                if (now - address.Since >= CeilingWindow) (address.Wrong, address.Since, address.NextTry) = (0, now, now);
                if (address.NextTry > now)
                {
                    var wait = Math.Ceiling((address.NextTry - now).TotalSeconds);
                    throw new Refusal(RefusalCode.PasswordAttempts, $"Too many password attempts: wait {wait:0} s.");
                }
                address.Wrong++;
                address.Since = now;
                address.NextTry = now + Backoff(address.Wrong);
            }
            roomWide.Wrong++;
        }
        if (password.Length <= MaxLength && hasher.VerifyHashedPassword(null!, room.PasswordHash, password) != PasswordVerificationResult.Failed)
        {
            lock (roomWide) roomWide.Wrong = Math.Max(0, roomWide.Wrong - 1);
            byAddress.TryRemove($"{room.Id}|{clientAddress}", out _);
            return;
        }
        if (byAddress.Count > SweepAbove) Sweep(now);
        throw new Refusal(RefusalCode.PasswordWrong, "Wrong room password.");
    }

    /// <summary>No wait for the free tries, then the base wait doubled with each wrong guess, up to the cap.</summary>
    TimeSpan Backoff(int wrong)
    {
        var beyond = wrong - Settings.PasswordFreeTries;
        if (beyond < 0) return TimeSpan.Zero;
        var wait = Settings.PasswordBackoff * Math.Pow(2, Math.Min(beyond, 30));
        return wait < Settings.PasswordBackoffMax ? wait : Settings.PasswordBackoffMax;
    }

    /// <summary>Forgets pairs quiet for a whole window: they would start afresh anyway.</summary>
    void Sweep(DateTimeOffset now)
    {
        foreach (var (key, guesses) in byAddress)
            if (now - guesses.Since >= CeilingWindow) byAddress.TryRemove(key, out _);
        foreach (var (key, guesses) in byRoom)
            if (now - guesses.Since >= CeilingWindow) byRoom.TryRemove(key, out _);
    }
}
