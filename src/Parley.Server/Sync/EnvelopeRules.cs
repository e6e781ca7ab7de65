using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Parley.Client.Crypto;
using Parley.Client.Protocol;
using Parley.Server.Hosting;

namespace Parley.Server.Sync;

/// <summary>The only checks the server makes on an envelope: its shape and size. Never its content.</summary>
public sealed class EnvelopeRules(IOptions<ParleyOptions> options)
{
    public void Check(Envelope? envelope) => Check(envelope, options.Value.MaxEnvelopeBytes);

    public void CheckChat(Envelope? envelope) => Check(envelope, options.Value.MaxChatBytes);

    /// <summary>Largest ciphertext of the small envelopes that describe something (room-link, room-meta, file-meta).</summary>
    public const int MaxMetaBytes = 4096;

    public void CheckMeta(Envelope? envelope, string kind)
    {
        Check(envelope);
        if (envelope!.Ciphertext.Length > MaxMetaBytes)
            throw new HubException($"Envelope too large: a {kind} envelope is at most {MaxMetaBytes} bytes.");
    }

    static void Check(Envelope? envelope, int limit)
    {
        if (envelope is null) throw new HubException("Malformed envelope: missing.");
        if (envelope.Iv is not { Length: EnvelopeCipher.IvBytes })
            throw new HubException($"Malformed envelope: the IV must be {EnvelopeCipher.IvBytes} bytes.");
        if (envelope.Ciphertext is null || envelope.Ciphertext.Length < EnvelopeCipher.TagBytes)
            throw new HubException("Malformed envelope: the ciphertext is shorter than its authentication tag.");
        if (envelope.Epoch < 0) throw new HubException("Malformed envelope: negative epoch.");
        if (envelope.Ciphertext.Length > limit)
            throw new HubException($"Envelope too large: {envelope.Ciphertext.Length} bytes, the limit is {limit}.");
    }
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
        return Crossed(countBefore, countAfter, o.SnapshotEveryUpdates) || Crossed(bytesBefore, bytesAfter, o.SnapshotEveryBytes);
    }

    static bool Crossed(long before, long after, long threshold)
    {
        if (after < threshold) return false;
        if (before < threshold) return true;
        var step = Math.Max(1, threshold / 10);
        return (before - threshold) / step != (after - threshold) / step;
    }
}
