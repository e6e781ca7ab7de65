namespace Parley.Client.Sessions;

/// <summary>Tracks the highest sequence number up to which every update has been seen, when
/// updates arrive out of order (fan-out and acknowledgements race each other).</summary>
public sealed class SeqTracker
{
    readonly SortedSet<long> ahead = new();
    readonly Lock gate = new();
    long contiguous;

    public long Contiguous { get { lock (gate) return contiguous; } }

    /// <summary>Whether <paramref name="seq"/> has been seen (in order or above a gap).</summary>
    public bool Has(long seq)
    {
        lock (gate) return seq <= contiguous || ahead.Contains(seq);
    }

    /// <summary>
    /// Starts again from <paramref name="upTo"/> (the seq a join resumed from, or its snapshot's),
    /// keeping what was seen beyond it: an update fanned out while the join was on its way arrives
    /// before the join's answer, and the join's catch-up (read earlier) does not hold it.
    /// </summary>
    public void Reset(long upTo)
    {
        lock (gate)
        {
            contiguous = upTo;
            ahead.RemoveWhere(seq => seq <= upTo);
            Advance();
        }
    }

    public void Saw(long seq)
    {
        lock (gate)
        {
            if (seq <= contiguous) return;
            ahead.Add(seq);
            Advance();
        }
    }

    void Advance()
    {
        while (ahead.Count > 0 && ahead.Min == contiguous + 1)
        {
            contiguous++;
            ahead.Remove(contiguous);
        }
    }
}
