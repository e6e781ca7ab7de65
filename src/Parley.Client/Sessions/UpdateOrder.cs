using Parley.Protocol;

namespace Parley.Client.Sessions;

/// <summary>
/// Puts a room's document updates in seq order, each once (docs/protocol.md, "Sync"). Through
/// several server nodes a live update can arrive above a gap or out of order, and the same update
/// can come twice (a live event after its gap was fetched, a join's catch-up overlapping live
/// events). Sequence numbers have no gaps, so "delivered up to N" is one number and anything at or
/// below it is a duplicate. Thread-safe; the caller delivers what it takes, one taker at a time.
/// </summary>
public sealed class UpdateOrder
{
    // Waiting for the seqs below them; a null update is one seen but not to deliver (this session's own push).
    readonly SortedDictionary<long, StoredUpdate?> held = new();
    readonly Lock gate = new();
    long delivered;
    // While a join reads the log, nothing is taken: the join decides where delivery starts.
    int joins = 1;

    /// <summary>Highest seq up to which every update was delivered (or seen as this session's own).</summary>
    public long Delivered { get { lock (gate) return delivered; } }

    /// <summary>Updates held above a missing seq (none while a join is reading the log).</summary>
    public bool HasGap { get { lock (gate) return joins == 0 && held.Count > 0; } }

    /// <summary>How many updates wait above a gap.</summary>
    public int Held { get { lock (gate) return held.Count; } }

    /// <summary>Stops taking until the matching <see cref="EndJoin"/>; the order starts held, until the first join.</summary>
    public void BeginJoin() { lock (gate) joins++; }

    public void EndJoin() { lock (gate) joins--; }

    /// <summary>Everything up to <paramref name="seq"/> counts as delivered (a join's catch-up, a snapshot): held copies are dropped.</summary>
    public void Skip(long seq)
    {
        lock (gate)
        {
            if (seq <= delivered) return;
            delivered = seq;
            foreach (var old in held.Keys.TakeWhile(s => s <= seq).ToList()) held.Remove(old);
        }
    }

    /// <summary>Holds an update until its turn; a seq delivered or held already is a duplicate.</summary>
    /// <param name="update">Null for a seq this session pushed itself: seen, never delivered back to it.</param>
    /// <returns>False for a duplicate.</returns>
    public bool Offer(long seq, StoredUpdate? update)
    {
        lock (gate)
        {
            if (seq <= delivered || held.ContainsKey(seq)) return false;
            held[seq] = update;
            return true;
        }
    }

    /// <summary>The next update in order, if it is here: <paramref name="update"/> null for one not to deliver.</summary>
    public bool TryTakeNext(out StoredUpdate? update)
    {
        lock (gate)
        {
            update = null;
            if (joins > 0 || !held.TryGetValue(delivered + 1, out update)) return false;
            held.Remove(++delivered);
            return true;
        }
    }
}
