using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Parley.Protocol;

namespace Parley.Client.Sessions;

/// <summary>
/// A chat message id: <c>{stream}.{counter}</c>, a random stream per session and a counter from 1
/// (docs/protocol.md, "Chat"). The id is bound into the envelope's associated data, so the server
/// cannot change it; byte-compatible with web/src/chat/senderOrder.ts.
/// </summary>
public readonly partial record struct ChatMessageId(string Stream, long Counter)
{
    [GeneratedRegex(@"^([A-Za-z0-9_-]{22})\.([1-9][0-9]{0,14})$")]
    private static partial Regex Format();

    public static ChatMessageId? Parse(string id)
    {
        var match = Format().Match(id);
        return match.Success ? new ChatMessageId(match.Groups[1].Value, long.Parse(match.Groups[2].Value)) : null;
    }

    public override string ToString() => $"{Stream}.{Counter}";
}

/// <summary>One session's ids for one room: a new stream per session, so nothing has to survive a restart.</summary>
public sealed class ChatMessageIds
{
    readonly string stream = Base64Url.Encode(RandomNumberGenerator.GetBytes(16));
    long counter;

    public string Next() => new ChatMessageId(stream, Interlocked.Increment(ref counter)).ToString();
}

public enum ChatVerdict
{
    InOrder,
    /// <summary>Does not decrypt: altered, or not sealed for this room, sender, epoch or id (or no key for its epoch).</summary>
    Undecryptable,
    /// <summary>Decrypts, but its id names no stream and counter: no honest client sends that.</summary>
    MalformedId,
    /// <summary>Its stream and counter were seen already at another seq.</summary>
    Replayed,
    /// <summary>Its counter runs backwards against its stream's neighbours by seq.</summary>
    Reordered,
}

/// <summary>Counters of one sender's stream that no stored message carries, just before <see cref="BeforeSeq"/>.</summary>
public sealed record ChatGap(string Sender, long BeforeSeq, long Missing);

/// <summary>
/// The counters seen per (sender, stream), by seq. Pages arrive in any order, so each message is
/// checked against its neighbours by seq, not by arrival. Offer only messages that decrypted.
/// </summary>
public sealed class SenderOrder
{
    readonly Dictionary<(string Sender, string Stream), SortedList<long, long>> streams = new();
    readonly Lock gate = new();

    public ChatVerdict Check(long seq, string sender, string messageId)
    {
        if (ChatMessageId.Parse(messageId) is not { } id) return ChatVerdict.MalformedId;
        lock (gate)
        {
            if (!streams.TryGetValue((sender, id.Stream), out var seen)) streams[(sender, id.Stream)] = seen = new();
            if (seen.TryGetValue(seq, out var known)) return known == id.Counter ? ChatVerdict.InOrder : ChatVerdict.Reordered;
            if (seen.ContainsValue(id.Counter)) return ChatVerdict.Replayed;
            var (before, after) = Neighbours(seen, seq);
            if ((before is { } b && b >= id.Counter) || (after is { } a && a <= id.Counter)) return ChatVerdict.Reordered;
            seen.Add(seq, id.Counter);
            return ChatVerdict.InOrder;
        }
    }

    /// <summary>Skipped counters between two messages of a stream when every seq between them was read (<paramref name="complete"/>).</summary>
    public IReadOnlyList<ChatGap> Gaps(Func<long, long, bool> complete)
    {
        var gaps = new List<ChatGap>();
        lock (gate)
            foreach (var ((sender, _), seen) in streams)
                for (var i = 1; i < seen.Count; i++)
                {
                    var missing = seen.GetValueAtIndex(i) - seen.GetValueAtIndex(i - 1) - 1;
                    if (missing > 0 && complete(seen.GetKeyAtIndex(i - 1), seen.GetKeyAtIndex(i)))
                        gaps.Add(new ChatGap(sender, seen.GetKeyAtIndex(i), missing));
                }
        return gaps;
    }

    static (long? Before, long? After) Neighbours(SortedList<long, long> seen, long seq)
    {
        long? before = null, after = null;
        foreach (var (s, counter) in seen)
        {
            if (s < seq) before = counter;
            else { after = counter; break; }
        }
        return (before, after);
    }
}
