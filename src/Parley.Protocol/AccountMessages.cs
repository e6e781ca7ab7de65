using System.Text.Json.Serialization;
using MessagePack;

namespace Parley.Protocol;

// Accounts and the proof-of-work captcha (docs/protocol.md, "Accounts" and "Captcha"): JSON over
// HTTP, except MemberAbilities, which also travels in JoinResult over the hub.

/// <summary>What the policy lets a member or a user do beyond coding and chatting.</summary>
[MessagePackObject]
public sealed record MemberAbilities(
    [property: Key("shareFiles")] bool ShareFiles,
    [property: Key("protectRoom")] bool ProtectRoom,
    [property: Key("nameRoom")] bool NameRoom);

/// <summary>GET /api/account, and the answer of register, sign-in and sign-out.</summary>
/// <param name="AntiforgeryToken">Send it back in <see cref="AccountNames.AntiforgeryHeader"/> on every POST of a browser session.</param>
public sealed record AccountState(bool SignedIn, string? UserName, MemberAbilities Abilities, string AntiforgeryToken);

/// <summary>GET /api/captcha. When the captcha is off, <see cref="Challenge"/> is null and nothing needs solving.</summary>
/// <param name="ExpiresAt">Unix milliseconds, UTC, after which the server refuses a solution.</param>
public sealed record CaptchaChallenge(bool Enabled, string? Challenge, int Difficulty, long ExpiresAt);

/// <summary>A solved challenge: SHA-256(UTF-8 challenge ":" nonce) starts with the challenge's difficulty in zero bits.</summary>
public sealed record CaptchaSolution(string Challenge, string Nonce);

/// <summary>POST /api/account/register and /api/account/signin.</summary>
public sealed record AccountCredentials(
    string UserName,
    string Password,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CaptchaSolution? Captcha = null);

public static class AccountNames
{
    /// <summary>The request header that carries the antiforgery token of <see cref="AccountState"/>.</summary>
    public const string AntiforgeryHeader = "X-Parley-Antiforgery";
}
