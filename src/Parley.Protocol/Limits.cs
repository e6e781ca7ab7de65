namespace Parley.Protocol;

/// <summary>
/// Sizes and counts both sides rely on. tests/vectors/refusals.json lists the same values (camelCase
/// names) and a test holds this class to it both ways, as web/src/wire does for the browser.
/// </summary>
public static class Limits
{
    public const int IvBytes = 12;
    public const int TagBytes = 16;
    public const int RoomKeyBytes = 32;
    public const int LinkSecretBytes = 32;
    public const int LinkProofBytes = 32;
    public const int RsaBits = 3072;
    public const int WrappedKeyBytes = RsaBits / 8;
    /// <summary>An ECDSA P-256 signature in IEEE P1363 form (r || s), as WebCrypto makes it.</summary>
    public const int SignatureBytes = 64;
    public const int FileChunkBytes = 1024 * 1024;

    /// <summary>Largest ciphertext of the small envelopes that describe something (room-link, room-meta, file-meta).</summary>
    public const int MaxMetaBytes = 4096;
    public const int MaxGrantsPerCall = 1000;
    /// <summary>Document updates one PushDocUpdates call may carry (a client's pipeline of pushes, stored together).</summary>
    public const int MaxUpdatesPerPush = 256;
    /// <summary>Link secrets a room-link envelope may carry (the current one and those renewed before it).</summary>
    public const int MaxLinkSecrets = 64;

    public const int PasswordMinLength = 8;
    public const int PasswordMaxLength = 128;

    public const int ChatMaxPage = 100;
    public const int ActivityMaxPage = 200;
    public const int EntriesMaxPage = 1000;
    public const int MaxEntryDeletes = 1000;
    public const int MessageIdMaxLength = 64;

    public const int UserNameMinLength = 3;
    public const int UserNameMaxLength = 32;
    public const int AccountPasswordMaxLength = 128;
}
