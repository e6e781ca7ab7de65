using System.Security.Cryptography;
using System.Text;

using Parley.Protocol;

namespace Parley.Client.Crypto;

/// <summary>
/// What a holder of the invite link's secret derives from it (docs/protocol.md, "Keys"). Room keys
/// are not among them: those come only from grants, so renewing the link changes none of them.
/// </summary>
public sealed record RoomSecrets(byte[] LinkSecret, byte[] JoinKey, string JoinVerifier, byte[] LinkProofKey, byte[] LobbyKey)
{
    public const int LinkSecretBytes = Limits.LinkSecretBytes;
    static readonly byte[] Salt = "parley/v1"u8.ToArray();

    public static string NewLinkSecret() => Base64Url.Encode(RandomNumberGenerator.GetBytes(LinkSecretBytes));

    public static RoomSecrets FromLinkSecret(string linkSecret) => FromLinkSecret(Base64Url.Decode(linkSecret));

    public static RoomSecrets FromLinkSecret(byte[] secret)
    {
        if (secret.Length != LinkSecretBytes)
            throw new ArgumentException($"A link secret is {LinkSecretBytes} bytes.", nameof(secret));
        var joinKey = Derive(secret, "join-key");
        return new RoomSecrets(secret, joinKey, VerifierOf(joinKey), Derive(secret, "link-proof"), Derive(secret, "lobby-key"));
    }

    /// <summary>The link secret as it appears in the invite link's fragment.</summary>
    public string LinkText => Base64Url.Encode(LinkSecret);

    /// <summary>What the server stores instead of the join key: it can check a key, not make one.</summary>
    public static string VerifierOf(ReadOnlySpan<byte> joinKey) => Base64Url.Encode(SHA256.HashData(joinKey));

    public static byte[] Derive(byte[] secret, string info) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, Salt, Encoding.UTF8.GetBytes(info));
}
