using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Rooms;

/// <summary>Settings under "Parley:Rooms" (environment: Parley__Rooms__IdleExpiry, ...). Documented in docs/configuration.md.</summary>
public sealed class RoomExpiryOptions : IValidatableObject
{
    public const string Section = "Parley:Rooms";

    /// <summary>A room nobody joined or acted in for this long, with nobody connected, is deleted as if terminated.</summary>
    public TimeSpan IdleExpiry { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the sweeper looks for idle rooms and old tombstones.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an ended room's link still says why it is gone; after that it is an unknown room.</summary>
    public TimeSpan TombstoneRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// Activity is written at most this often per room, so pushes and chat cost no database write;
    /// a minute, or less when the expiry itself is that short.
    /// </summary>
    public TimeSpan ActivityGranularity => TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, IdleExpiry.Ticks / 4));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IdleExpiry < TimeSpan.FromSeconds(1))
            yield return new ValidationResult("IdleExpiry must be at least one second.", [nameof(IdleExpiry)]);
        if (SweepInterval < TimeSpan.FromMilliseconds(100))
            yield return new ValidationResult("SweepInterval must be at least 100 ms.", [nameof(SweepInterval)]);
        if (TombstoneRetention < TimeSpan.Zero)
            yield return new ValidationResult("TombstoneRetention cannot be negative.", [nameof(TombstoneRetention)]);
    }
}
