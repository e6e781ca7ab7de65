using System.Buffers.Binary;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Throttling;

namespace Parley.Server.Accounts;

/// <summary>Settings under "Parley:Captcha". Documented in docs/configuration.md.</summary>
public sealed class CaptchaOptions
{
    public const string Section = "Parley:Captcha";

    /// <summary>Off for tests and small private deployments: then nobody is asked to solve anything.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Leading zero bits asked of SHA-256: each one more doubles the work.</summary>
    [Range(1, 32)] public int Difficulty { get; set; } = 18;

    /// <summary>How long a challenge may be solved and used.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")] public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// A self-hosted proof-of-work captcha (docs/protocol.md, "Captcha"). A challenge carries its own
/// id, expiry and difficulty, sealed with ASP.NET Data Protection, so the server keeps nothing per
/// challenge until one is used; then its id is claimed in the limit store (shared by every node
/// when there are several) until it expires, so it works only once, on whichever node.
/// </summary>
public sealed class ProofOfWorkCaptcha(IDataProtectionProvider protection, IOptions<CaptchaOptions> options, TimeProvider clock,
    ILimitStore limits)
{
    public sealed record Refused(RefusalCode Code, string Message, int Status);

    const int IdBytes = 16;
    const int PayloadBytes = IdBytes + sizeof(long) + 1;
    const int MaxChallengeLength = 512;

    static readonly Refused Missing = new(RefusalCode.CaptchaInvalid, "Solve the captcha first: GET /api/captcha, then send its challenge with your nonce.", 400);
    static readonly Refused Forged = new(RefusalCode.CaptchaInvalid, "Invalid captcha: this challenge was not issued by this server.", 400);
    static readonly Refused Expired = new(RefusalCode.CaptchaInvalid, "The captcha expired: solve a new one.", 400);
    static readonly Refused Replayed = new(RefusalCode.CaptchaInvalid, "This captcha was already used: solve a new one.", 400);
    static readonly Refused Wrong = new(RefusalCode.CaptchaInvalid, "Wrong captcha solution: solve a new one.", 400);

    readonly IDataProtector protector = protection.CreateProtector("Parley.Captcha.v1");

    public bool Enabled => options.Value.Enabled;

    public CaptchaChallenge Issue()
    {
        var o = options.Value;
        if (!o.Enabled) return new CaptchaChallenge(false, null, 0, 0);
        var expires = (clock.GetUtcNow() + o.Lifetime).ToUnixTimeMilliseconds();
        var payload = new byte[PayloadBytes];
        RandomNumberGenerator.Fill(payload.AsSpan(0, IdBytes));
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(IdBytes), expires);
        payload[^1] = (byte)o.Difficulty;
        return new CaptchaChallenge(true, Base64Url.Encode(protector.Protect(payload)), o.Difficulty, expires);
    }

    /// <returns>Why the solution is refused, or null when it is accepted (it is spent then).</returns>
    public async Task<Refused?> CheckAsync(CaptchaSolution? solution)
    {
        if (!Enabled) return null;
        if (solution is not { Challenge: { Length: > 0 and <= MaxChallengeLength } challenge, Nonce: { } nonce }) return Missing;
        byte[] payload;
        try { payload = protector.Unprotect(Base64Url.Decode(challenge)); }
        catch (Exception e) when (e is CryptographicException or FormatException) { return Forged; }
        if (payload.Length != PayloadBytes) return Forged;

        var expires = BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(IdBytes));
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (now >= expires) return Expired;
        // Any try spends the challenge, right or wrong: one challenge, one guess. An expired
        // challenge is refused anyway, so its id is forgotten when it expires.
        try
        {
            if (!await limits.TryClaimAsync(new LimitKey("captcha", Convert.ToHexString(payload, 0, IdBytes)), TimeSpan.FromMilliseconds(expires - now)))
                return Replayed;
        }
        catch (Refusal refused) { return new Refused(refused.Code, refused.Message, Hosting.Problems.StatusOf(refused.Code)); }
        return ProofOfWork.IsSolution(challenge, nonce, payload[^1]) ? null : Wrong;
    }
}
