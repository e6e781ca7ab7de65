namespace Parley.Client.Sessions;

/// <summary>Tracks the highest sequence number up to which every update has been seen, when
/// updates arrive out of order (fan-out and acknowledgements race each other).</summary>
public sealed class SeqTracker
{
    readonly SortedSet<long> ahead = new();
    readonly Lock gate = new();
    long contiguous;

    public long Contiguous { get { lock (gate) return contiguous; } }

    public void Reset(long upTo)
    {
        lock (gate) { contiguous = upTo; ahead.Clear(); }
    }

    public void Saw(long seq)
    {
        lock (gate)
        {
            if (seq <= contiguous) return;
            ahead.Add(seq);
            while (ahead.Count > 0 && ahead.Min == contiguous + 1)
            {
                contiguous++;
                ahead.Remove(contiguous);
            }
        }
    }
}
