using System.Buffers.Text;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Parley.Protocol;

/// <summary>
/// The captcha's proof of work (docs/protocol.md, "Captcha"): a nonce such that
/// SHA-256(UTF-8 challenge || ":" || UTF-8 nonce) starts with at least `difficulty` zero bits.
/// Solvers count up in decimal from "0", so every solver finds the same, smallest nonce; the
/// server checks one hash. tests/vectors/captcha.json pins it for C# and TypeScript alike.
/// </summary>
public static class ProofOfWork
{
    public const int MaxNonceLength = 32;
    public const int MaxDifficulty = 64;

    /// <summary>The smallest decimal nonce that solves the challenge.</summary>
    /// <exception cref="InvalidOperationException">No nonce within 2^(difficulty + 8) tries (odds of about e^-256).</exception>
    public static string Solve(string challenge, int difficulty, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(difficulty);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(difficulty, MaxDifficulty);
        var prefix = Encoding.UTF8.GetByteCount(challenge) + 1;
        var input = new byte[prefix + 20]; // room for the longest ulong in decimal
        Encoding.UTF8.GetBytes(challenge, input);
        input[prefix - 1] = (byte)':';
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        var tries = 1UL << Math.Min(difficulty + 8, 63);
        for (var nonce = 0UL; nonce < tries; nonce++)
        {
            if ((nonce & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
            Utf8Formatter.TryFormat(nonce, input.AsSpan(prefix), out var written);
            SHA256.HashData(input.AsSpan(0, prefix + written), digest);
            if (LeadingZeroBits(digest) >= difficulty) return nonce.ToString(CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"No solution within {tries} tries.");
    }

    /// <summary>Whether <paramref name="nonce"/> (1–32 characters of 0-9 A-Z a-z _ -) solves the challenge.</summary>
    public static bool IsSolution(string challenge, string nonce, int difficulty)
    {
        if (nonce is not { Length: > 0 and <= MaxNonceLength } || !nonce.All(IsNonceChar)) return false;
        var input = Encoding.UTF8.GetBytes($"{challenge}:{nonce}");
        return LeadingZeroBits(SHA256.HashData(input)) >= difficulty;
    }

    /// <summary>Zero bits before the first one bit, reading bytes in order and each byte from its top bit.</summary>
    public static int LeadingZeroBits(ReadOnlySpan<byte> digest)
    {
        var bits = 0;
        foreach (var b in digest)
        {
            if (b != 0) return bits + BitOperations.LeadingZeroCount((uint)b) - 24;
            bits += 8;
        }
        return bits;
    }

    static bool IsNonceChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
