using System.Security.Cryptography;
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
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(wrap, out var read);
            if (read != wrap.Length || rsa.KeySize != Limits.RsaBits) throw new CryptographicException();
            using var ec = ECDsa.Create();
            ec.ImportSubjectPublicKeyInfo(sign, out read);
            if (read != sign.Length || ec.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
                throw new CryptographicException();
        }
        catch (CryptographicException)
        {
            throw BadDevice;
        }
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
