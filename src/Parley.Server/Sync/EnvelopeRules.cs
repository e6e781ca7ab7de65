using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Hosting;

namespace Parley.Server.Sync;

/// <summary>The only checks the server makes on an envelope: its shape and size. Never its content.</summary>
public sealed class EnvelopeRules(IOptions<ParleyOptions> options)
{
    public void Check(Envelope? envelope) => Check(envelope, options.Value.MaxEnvelopeBytes);

    public void CheckChat(Envelope? envelope) => Check(envelope, options.Value.MaxChatBytes);

    public void CheckMeta(Envelope? envelope, string kind)
    {
        Check(envelope);
        if (envelope!.Ciphertext.Length > Limits.MaxMetaBytes)
            throw new Refusal(RefusalCode.EnvelopeTooLarge, $"Envelope too large: a {kind} envelope is at most {Limits.MaxMetaBytes} bytes.");
    }

    static void Check(Envelope? envelope, int limit)
    {
        if (envelope is null) throw Malformed("missing.");
        if (envelope.Iv is not { Length: Limits.IvBytes }) throw Malformed($"the IV must be {Limits.IvBytes} bytes.");
        if (envelope.Ciphertext is null || envelope.Ciphertext.Length < Limits.TagBytes)
            throw Malformed("the ciphertext is shorter than its authentication tag.");
        if (envelope.Epoch < 0) throw Malformed("negative epoch.");
        if (envelope.Ciphertext.Length > limit)
            throw new Refusal(RefusalCode.EnvelopeTooLarge, $"Envelope too large: {envelope.Ciphertext.Length} bytes, the limit is {limit}.");
    }

    static Refusal Malformed(string why) => new(RefusalCode.EnvelopeMalformed, "Malformed envelope: " + why);
}

/// <summary>When a client should upload a fresh snapshot, so joiners never replay a long log.</summary>
public sealed class SnapshotPolicy(IOptions<ParleyOptions> options)
{
    /// <summary>Due when the log since the last snapshot first passes a threshold, and then again every
    /// tenth of it until a snapshot arrives: one pusher is asked at a time, and if that one cannot
    /// answer (it went away), another is asked soon after.</summary>
    public bool IsDue(int countBefore, int countAfter, long bytesBefore, long bytesAfter)
    {
        var o = options.Value;
        return Crossed(countBefore, countAfter, o.SnapshotEveryUpdates) || Crossed(bytesBefore, bytesAfter, BytesThreshold(o));
    }

    /// <summary>Never more than an eighth of the document's share of MaxRoomLogBytes: a snapshot replaces the
    /// log long before the room is refused for a full log, even if the first pushers asked cannot answer.</summary>
    public static long BytesThreshold(ParleyOptions o) => Math.Min(o.SnapshotEveryBytes, o.MaxDocLogBytes / 8);

    static bool Crossed(long before, long after, long threshold)
    {
        if (after < threshold) return false;
        if (before < threshold) return true;
        var step = Math.Max(1, threshold / 10);
        return (before - threshold) / step != (after - threshold) / step;
    }
}
