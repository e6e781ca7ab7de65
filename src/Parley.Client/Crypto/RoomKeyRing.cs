namespace Parley.Client.Crypto;

/// <summary>
/// The room keys this member holds, by epoch. Today epoch 0 comes from the link secret; with
/// grant-based distribution (DESIGN.md section 4) only how keys get in here changes.
/// </summary>
public sealed class RoomKeyRing
{
    readonly Dictionary<int, byte[]> keys = new();

    public static RoomKeyRing FromLinkSecret(RoomSecrets secrets)
    {
        var ring = new RoomKeyRing();
        ring.Add(0, secrets.RoomKey);
        return ring;
    }

    public void Add(int epoch, byte[] key) => keys[epoch] = key;

    public byte[] KeyFor(int epoch) =>
        keys.TryGetValue(epoch, out var key) ? key : throw new KeyNotFoundException($"No room key for epoch {epoch}.");
}
