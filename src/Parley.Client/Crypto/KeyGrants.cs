using System.Security.Cryptography;
using System.Text;
using Parley.Protocol;

namespace Parley.Client.Crypto;

/// <summary>Fingerprints, link proofs and grants, byte-compatible with web/src/crypto (docs/protocol.md, "Keys").</summary>
public static class KeyGrants
{
    public const int RoomKeyBytes = Limits.RoomKeyBytes;

    public static byte[] NewRoomKey() => RandomNumberGenerator.GetBytes(RoomKeyBytes);

    /// <summary>Six groups of five digits from SHA-256 over both public keys.</summary>
    public static string Fingerprint(DeviceKeys device)
    {
        var digest = SHA256.HashData([.. device.WrapKey, .. device.SignKey]);
        return string.Join(' ', Enumerable.Range(0, 6).Select(i =>
        {
            ulong value = 0;
            foreach (var b in digest.AsSpan(i * 5, 5)) value = value << 8 | b;
            return (value % 100_000).ToString("D5");
        }));
    }

    /// <summary>Proves to members that the holder of these device keys holds the invite link.</summary>
    public static byte[] LinkProof(RoomSecrets secrets, string roomId, DeviceKeys device)
    {
        byte[] data = [.. Encoding.UTF8.GetBytes($"parley/v1|link-proof|{roomId}|"), .. device.WrapKey, .. device.SignKey];
        return HMACSHA256.HashData(secrets.LinkProofKey, data);
    }

    public static bool ProofHolds(RoomSecrets secrets, string roomId, MemberKeys member) =>
        member.LinkProof is { Length: 32 } proof &&
        CryptographicOperations.FixedTimeEquals(proof, LinkProof(secrets, roomId, new DeviceKeys(member.WrapKey, member.SignKey)));

    public static byte[] SignedData(string roomId, int epoch, string memberId, string granterId, byte[] wrappedKey) =>
        [.. Encoding.UTF8.GetBytes($"parley/v1|grant|{roomId}|{epoch}|{memberId}|{granterId}|"), .. wrappedKey];

    /// <summary>Wraps a room key for one member's device and signs it as the granter.</summary>
    public static Grant Make(DeviceIdentity granter, string granterId, string roomId, int epoch, MemberKeys grantee, byte[] roomKey)
    {
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(grantee.WrapKey, out _);
        var wrapped = rsa.Encrypt(roomKey, RSAEncryptionPadding.OaepSHA256);
        return new Grant(epoch, grantee.MemberId, granterId, wrapped, granter.Sign(SignedData(roomId, epoch, grantee.MemberId, granterId, wrapped)));
    }

    /// <summary>Checks the granter's signature, then unwraps with this device's private key.</summary>
    /// <exception cref="CryptographicException">The signature does not hold or the key does not unwrap.</exception>
    public static byte[] Open(DeviceIdentity device, string roomId, Grant grant, byte[] granterSignKey)
    {
        using var ec = ECDsa.Create();
        ec.ImportSubjectPublicKeyInfo(granterSignKey, out _);
        var data = SignedData(roomId, grant.Epoch, grant.MemberId, grant.GranterId, grant.WrappedKey);
        if (!ec.VerifyData(data, grant.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            throw new CryptographicException($"The grant of epoch {grant.Epoch} is not signed by {grant.GranterId}.");
        var key = device.Unwrap(grant.WrappedKey);
        return key.Length == RoomKeyBytes ? key : throw new CryptographicException("A granted room key is 32 bytes.");
    }
}
