using System.Security.Cryptography;
using System.Text;

namespace Parley.Client.Crypto;

/// <summary>
/// What a holder of the invite link's secret derives from it (docs/protocol.md, "Keys").
/// Separate HKDF infos keep the join key (shown to the server) independent of the room key.
/// </summary>
public sealed record RoomSecrets(byte[] RoomKey, byte[] JoinKey, string JoinVerifier)
{
    public const int LinkSecretBytes = 32;
    static readonly byte[] Salt = "parley/v1"u8.ToArray();

    public static string NewLinkSecret() => Base64Url.Encode(RandomNumberGenerator.GetBytes(LinkSecretBytes));

    public static RoomSecrets FromLinkSecret(string linkSecret)
    {
        var secret = Base64Url.Decode(linkSecret);
        if (secret.Length != LinkSecretBytes)
            throw new ArgumentException($"A link secret is {LinkSecretBytes} bytes.", nameof(linkSecret));
        var joinKey = Derive(secret, "join-key");
        return new RoomSecrets(Derive(secret, "room-key/epoch/0"), joinKey, VerifierOf(joinKey));
    }

    /// <summary>What the server stores instead of the join key: it can check a key, not make one.</summary>
    public static string VerifierOf(ReadOnlySpan<byte> joinKey) => Base64Url.Encode(SHA256.HashData(joinKey));

    public static byte[] Derive(byte[] secret, string info) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, Salt, Encoding.UTF8.GetBytes(info));
}
