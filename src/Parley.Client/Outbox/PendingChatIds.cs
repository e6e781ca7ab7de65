using Parley.Client.Sessions;

namespace Parley.Client.Outbox;

/// <summary>
/// The pending messages' ids by stream and counter (docs/protocol.md, "Message ids, streams and
/// counters"): once a later counter of a stream is acknowledged, an earlier one sent now would land
/// above it and receivers would refuse it as out of order.
/// </summary>
sealed class PendingChatIds
{
    readonly Dictionary<string, SortedDictionary<long, long>> streams = [];

    /// <summary>Indexes an outbox key, if it names a chat message id of a stream.</summary>
    public void Add(string key, long entryId)
    {
        if (Parse(key) is not { } id) return;
        if (!streams.TryGetValue(id.Stream, out var counters)) streams[id.Stream] = counters = [];
        counters[id.Counter] = entryId;
    }

    public void Remove(string key)
    {
        if (Parse(key) is not { } id || !streams.TryGetValue(id.Stream, out var counters)) return;
        counters.Remove(id.Counter);
        if (counters.Count == 0) streams.Remove(id.Stream);
    }

    /// <summary>The entries of the same stream with lower counters than the key's message.</summary>
    public IReadOnlyList<long> Below(string key) =>
        Parse(key) is { } id && streams.TryGetValue(id.Stream, out var counters)
            ? [.. counters.TakeWhile(c => c.Key < id.Counter).Select(c => c.Value)]
            : [];

    static ChatMessageId? Parse(string key) => key.StartsWith("c:", StringComparison.Ordinal) ? ChatMessageId.Parse(key[2..]) : null;
}
