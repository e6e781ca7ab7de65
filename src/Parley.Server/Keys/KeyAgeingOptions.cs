using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Keys;

/// <summary>Settings under "Parley:Keys" (key ageing, and who grants joiners) (environment: Parley__Keys__RotateAfter, ...). Documented in docs/configuration.md.</summary>
public sealed class KeyAgeingOptions : IValidatableObject
{
    public const string Section = "Parley:Keys";

    /// <summary>A key epoch this old is rotated by one keyed member, asked by the server.</summary>
    public TimeSpan RotateAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Or once this many doc updates and chat messages are stored under it, whichever comes first.</summary>
    public long RotateAfterMessages { get; set; } = 100_000;

    /// <summary>A member not connected for this long is no longer kept in the keys: it comes back as a newcomer.</summary>
    public TimeSpan DropAwayAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long the member asked to rotate has before another one is asked.</summary>
    public TimeSpan RotationAnswerWait { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long the member named to grant a joiner the key has before another member is named.</summary>
    public TimeSpan GrantAnswerWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often old keys and away members are looked for.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RotateAfter < TimeSpan.FromSeconds(1))
            yield return new ValidationResult("RotateAfter must be at least one second.", [nameof(RotateAfter)]);
        if (RotateAfterMessages < 1)
            yield return new ValidationResult("RotateAfterMessages must be at least 1.", [nameof(RotateAfterMessages)]);
        if (DropAwayAfter < TimeSpan.FromSeconds(1))
            yield return new ValidationResult("DropAwayAfter must be at least one second.", [nameof(DropAwayAfter)]);
        if (RotationAnswerWait < TimeSpan.FromMilliseconds(100))
            yield return new ValidationResult("RotationAnswerWait must be at least 100 ms.", [nameof(RotationAnswerWait)]);
        if (GrantAnswerWait < TimeSpan.FromMilliseconds(100))
            yield return new ValidationResult("GrantAnswerWait must be at least 100 ms.", [nameof(GrantAnswerWait)]);
        if (SweepInterval < TimeSpan.FromMilliseconds(100))
            yield return new ValidationResult("SweepInterval must be at least 100 ms.", [nameof(SweepInterval)]);
    }
}
