using System.Formats.Asn1;
using System.Globalization;
using System.Numerics;
using Parley.Protocol;

namespace Parley.Server.Keys;

/// <summary>The shape checks the server makes on public keys and grants; it can check sizes and key types, never contents.</summary>
public static class DeviceKeyRules
{
    /// <summary>A new member's device must carry an RSA-3072 and a P-256 public key and a 32-byte link proof.</summary>
    public static void CheckNewMember(DeviceKeys? device, byte[]? linkProof)
    {
        if (device?.WrapKey is not { Length: > 0 and <= 1024 } wrap || device.SignKey is not { Length: > 0 and <= 256 } sign)
            throw BadDevice;
        if (linkProof is not { Length: Limits.LinkProofBytes })
            throw new Refusal(RefusalCode.DeviceKeysMalformed, $"Malformed device keys: a new member needs a {Limits.LinkProofBytes}-byte link proof.");
        try
        {
            if (!IsRsaKey(wrap) || !IsP256Point(sign)) throw BadDevice;
        }
        catch (AsnContentException)
        {
            throw BadDevice;
        }
    }

    // The keys are read as DER here rather than imported into OpenSSL, which took ~210 µs per new
    // member (a few per cent of a join's server CPU); these checks take a few microseconds and refuse
    // what the import refused (DeviceKeyRulesTests).
    const string RsaEncryption = "1.2.840.113549.1.1.1", EcPublicKey = "1.2.840.10045.2.1", NamedP256 = "1.2.840.10045.3.1.7";

    /// <summary>RSAPublicKey { modulus of exactly <see cref="Limits.RsaBits"/> bits, an odd exponent above 1 }.</summary>
    static bool IsRsaKey(byte[] spki)
    {
        var key = new AsnReader(SubjectKey(spki, RsaEncryption, parameters => parameters.ReadNull()), AsnEncodingRules.DER);
        var fields = key.ReadSequence();
        key.ThrowIfNotEmpty();
        var (modulus, exponent) = (fields.ReadInteger(), fields.ReadInteger());
        fields.ThrowIfNotEmpty();
        return modulus.Sign > 0 && modulus.GetBitLength() == Limits.RsaBits && exponent > 1 && !exponent.IsEven;
    }

    // P-256 (FIPS 186-4, D.1.2.3): y² = x³ - 3x + b over the prime field p.
    static readonly BigInteger P = BigInteger.Parse("0FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF", NumberStyles.HexNumber);
    static readonly BigInteger B = BigInteger.Parse("05AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B", NumberStyles.HexNumber);

    /// <summary>An uncompressed point (04 || X || Y) on P-256, as an import would check it.</summary>
    static bool IsP256Point(byte[] spki)
    {
        var point = SubjectKey(spki, EcPublicKey, parameters =>
        {
            if (parameters.ReadObjectIdentifier() != NamedP256) throw new AsnContentException();
        });
        if (point is not { Length: 65 } || point[0] != 4) return false;
        var x = new BigInteger(point.AsSpan(1, 32), isUnsigned: true, isBigEndian: true);
        var y = new BigInteger(point.AsSpan(33, 32), isUnsigned: true, isBigEndian: true);
        return x < P && y < P && BigInteger.Remainder(y * y - (x * x * x - 3 * x + B), P).IsZero;
    }

    /// <summary>SubjectPublicKeyInfo { AlgorithmIdentifier { algorithm, parameters }, key bits }, nothing before or after.</summary>
    static byte[] SubjectKey(byte[] spki, string algorithm, Action<AsnReader> readParameters)
    {
        var outer = new AsnReader(spki, AsnEncodingRules.DER);
        var info = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var id = info.ReadSequence();
        if (id.ReadObjectIdentifier() != algorithm) throw new AsnContentException();
        readParameters(id);
        id.ThrowIfNotEmpty();
        var key = info.ReadBitString(out var unusedBits);
        info.ThrowIfNotEmpty();
        return unusedBits == 0 ? key : throw new AsnContentException();
    }

    static Refusal BadDevice => new(RefusalCode.DeviceKeysMalformed,
        $"Malformed device keys: a new member needs an RSA-OAEP {Limits.RsaBits} key and an ECDSA P-256 key (SPKI).");

    public static void CheckGrant(Grant? grant, string callerId)
    {
        if (grant is null || !Storage.Ids.IsWellFormed(grant.MemberId))
            throw new Refusal(RefusalCode.GrantMalformed, "Malformed grant: it names no member.");
        if (grant.GranterId != callerId) throw new Refusal(RefusalCode.GrantMalformed, "Malformed grant: a grant must be signed by its caller.");
        if (grant.WrappedKey is not { Length: Limits.WrappedKeyBytes } || grant.Signature is not { Length: Limits.SignatureBytes })
            throw new Refusal(RefusalCode.GrantMalformed,
                $"Malformed grant: a wrapped key is {Limits.WrappedKeyBytes} bytes and a signature {Limits.SignatureBytes}.");
    }
}
