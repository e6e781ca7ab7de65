namespace Parley.Client.Crypto;

/// <summary>The room keys this member holds, by epoch; they get here only through verified grants.</summary>
public sealed class RoomKeyRing
{
    readonly Dictionary<int, byte[]> keys = new();

    public void Add(int epoch, byte[] key) => keys[epoch] = key;

    public bool Has(int epoch) => keys.ContainsKey(epoch);

    /// <summary>Every epoch held, oldest first.</summary>
    public IReadOnlyList<int> Epochs => keys.Keys.Order().ToList();

    public byte[] KeyFor(int epoch) =>
        keys.TryGetValue(epoch, out var key) ? key : throw new KeyNotFoundException($"No room key for epoch {epoch}.");
}
