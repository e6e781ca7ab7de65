using Parley.Protocol;

namespace Parley.Server.Throttling;

/// <summary>
/// What a limit counts under: a scope ("signin-name", "room-password"…) and the subject counted
/// (an address, a user name, a room id). A shared store never keeps the subject itself, only a keyed
/// hash of it, so user names and addresses do not sit in Redis in the clear.
/// </summary>
public readonly record struct LimitKey(string Scope, string Subject);

/// <summary>
/// A wait that starts after <paramref name="Free"/> strikes and doubles with each strike after
/// that, from <paramref name="First"/> up to <paramref name="Max"/>.
/// </summary>
public sealed record Backoff(int Free, TimeSpan First, TimeSpan Max)
{
    /// <summary>The wait after the <paramref name="strikes"/>th strike (zero while strikes are free).</summary>
    public TimeSpan After(long strikes)
    {
        var beyond = strikes - Free;
        if (beyond < 0) return TimeSpan.Zero;
        var wait = First * Math.Pow(2, Math.Min(beyond, 30));
        return wait < Max ? wait : Max;
    }
}

/// <summary>
/// The counts behind the security limits (sign-in throttle and lock, room-password guessing, room
/// creation, the captcha's used challenges). One node keeps them in memory
/// (<see cref="MemoryLimitStore"/>); several share them in Redis (<see cref="RedisLimitStore"/>), so
/// a guesser cannot multiply the limits by spreading over the nodes. Every operation is atomic
/// across all callers, and every count forgets itself: nothing grows without bound.
/// </summary>
/// <remarks>
/// A store that cannot answer throws a <see cref="Refusal"/> (<see cref="RefusalCode.ServerUnavailable"/>):
/// security limits fail closed, so an outage never lets guesses through.
/// </remarks>
public interface ILimitStore
{
    /// <summary>
    /// Takes one of <paramref name="limit"/> permits of a window that opens with the first take
    /// and lasts <paramref name="window"/>.
    /// </summary>
    /// <returns>False when every permit of the window is taken (nothing is taken then).</returns>
    Task<bool> TryTakeAsync(LimitKey key, int limit, TimeSpan window);

    /// <summary>Gives back one permit taken in the current window (a room password that proved right).</summary>
    Task GiveBackAsync(LimitKey key);

    /// <summary>
    /// Counts one strike unless the key is waiting out its backoff. The count lives until
    /// <paramref name="window"/> passes without a strike; each strike sets the wait
    /// <paramref name="backoff"/> gives for the new count.
    /// </summary>
    /// <returns>Zero when the strike was counted; otherwise how long the key still has to wait (nothing counted).</returns>
    Task<TimeSpan> TryStrikeAsync(LimitKey key, TimeSpan window, Backoff backoff);

    /// <summary>Forgets a key's strikes and its wait (the right password).</summary>
    Task ForgetAsync(LimitKey key);

    /// <summary>Claims a key for <paramref name="lifetime"/>: once only, whichever node asks.</summary>
    /// <returns>False when it was claimed already.</returns>
    Task<bool> TryClaimAsync(LimitKey key, TimeSpan lifetime);
}
