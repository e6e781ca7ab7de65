using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Parley.Client.Crypto;
using Parley.Client.Protocol;
using Parley.Server.Hosting;

namespace Parley.Server.Sync;

/// <summary>The only checks the server makes on an envelope: its shape and size. Never its content.</summary>
public sealed class EnvelopeRules(IOptions<ParleyOptions> options)
{
    public void Check(Envelope? envelope)
    {
        if (envelope is null) throw new HubException("Malformed envelope: missing.");
        if (envelope.Iv is not { Length: EnvelopeCipher.IvBytes })
            throw new HubException($"Malformed envelope: the IV must be {EnvelopeCipher.IvBytes} bytes.");
        if (envelope.Ciphertext is null || envelope.Ciphertext.Length < EnvelopeCipher.TagBytes)
            throw new HubException("Malformed envelope: the ciphertext is shorter than its authentication tag.");
        if (envelope.Epoch < 0) throw new HubException("Malformed envelope: negative epoch.");
        var limit = options.Value.MaxEnvelopeBytes;
        if (envelope.Ciphertext.Length > limit)
            throw new HubException($"Envelope too large: {envelope.Ciphertext.Length} bytes, the limit is {limit}.");
    }
}

/// <summary>When a client should upload a fresh snapshot, so joiners never replay a long log.</summary>
public sealed class SnapshotPolicy(IOptions<ParleyOptions> options)
{
    /// <summary>Due once each time the log since the last snapshot crosses a multiple of a threshold,
    /// so one pusher is asked, not every pusher after the threshold.</summary>
    public bool IsDue(int countBefore, int countAfter, long bytesBefore, long bytesAfter)
    {
        var o = options.Value;
        return countBefore / o.SnapshotEveryUpdates != countAfter / o.SnapshotEveryUpdates
            || bytesBefore / o.SnapshotEveryBytes != bytesAfter / o.SnapshotEveryBytes;
    }
}
