using System.Text;
using System.Text.RegularExpressions;

namespace Parley.Protocol;

/// <summary>
/// Why the server refused a call: the catalog of tests/vectors/refusals.json. On the wire each is
/// the kebab-case spelling of its name (<see cref="RefusalCodes.Wire"/>); clients switch on the
/// code, never on the human text that follows it.
/// </summary>
public enum RefusalCode
{
    RoomUnknown, RoomEnded, RoomExpired, RoomBusy, JoinKeyInvalid, MemberRemoved, MemberDeparted, JoinRefused,
    NotMember, NotCreator, SignInToShareFiles, SignInToProtectRoom, SignInToNameRoom,
    PasswordRequired, PasswordWrong, PasswordInvalid, PasswordAttempts, RateLimited, ArgumentInvalid,
    EnvelopeMalformed, EnvelopeTooLarge, EpochStale, SequenceInvalid, PageInvalid, MessageIdMalformed,
    EntryMalformed, EntryStale, EntryUnknown, EntryIdsInvalid, FileUnusable, MemberUnknown,
    CreatorCannotLeave, NotWaiting, GrantsTooMany, GrantMalformed, GrantEpochUnheld, HistoryHidden,
    RotationMalformed, RotationStale, RotationForbidden, RotationIncomplete, DeviceKeysMalformed,
    FileUnknown, FileComplete, FileIncomplete, FileInManager, ChunkInvalid, SizeInvalid, FileTooLarge,
    RoomQuotaExceeded, AntiforgeryInvalid, CaptchaInvalid, UserNameInvalid, UserNameTaken,
    AccountPasswordInvalid, SignInFailed, AccountLocked, ServerUnavailable,
    RoomLogFull, StorageFull, OriginForbidden,
}

/// <summary>The wire spelling of refusal codes: a hub refusal's message is <c>"&lt;code&gt;: &lt;text&gt;"</c>.</summary>
public static partial class RefusalCodes
{
    /// <summary>The name ProblemDetails carries the code under.</summary>
    public const string ProblemExtension = "code";

    static readonly Dictionary<RefusalCode, string> ToWire = Enum.GetValues<RefusalCode>().ToDictionary(c => c, Kebab);
    static readonly Dictionary<string, RefusalCode> FromWire = ToWire.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    public static string Wire(this RefusalCode code) => ToWire[code];

    /// <returns>The code of that spelling, or null for one this side does not know.</returns>
    public static RefusalCode? Parse(string? wire) => wire is not null && FromWire.TryGetValue(wire, out var code) ? code : null;

    /// <summary>A hub refusal's message.</summary>
    public static string HubMessage(RefusalCode code, string text) => $"{code.Wire()}: {text}";

    /// <summary>Splits a hub refusal's message into its code and text; a message without a known code has none.</summary>
    public static (RefusalCode? Code, string Text) ParseHubMessage(string message)
    {
        var match = HubMessagePattern().Match(message);
        return match.Success && Parse(match.Groups["code"].Value) is { } code ? (code, match.Groups["text"].Value) : (null, message);
    }

    [GeneratedRegex("^(?<code>[a-z][a-z0-9]*(?:-[a-z0-9]+)*): (?<text>.*)$", RegexOptions.Singleline)]
    private static partial Regex HubMessagePattern();

    static string Kebab(RefusalCode code)
    {
        var name = code.ToString();
        var wire = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && wire.Length > 0) wire.Append('-');
            wire.Append(char.ToLowerInvariant(c));
        }
        return wire.ToString();
    }
}
