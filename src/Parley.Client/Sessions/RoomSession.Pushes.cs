using Microsoft.AspNetCore.SignalR.Client;
using Parley.Protocol;

namespace Parley.Client.Sessions;

// The document's way out (docs/protocol.md, "PushDocUpdates"): pushes made while an earlier call
// waits for its commit queue up and leave together in the next call, so a member can have many
// updates in flight while the hub runs one call of a connection at a time. Each caller's task
// completes with its own update's seq, in the order the updates were pushed.
public sealed partial class RoomSession
{
    sealed record QueuedPush(Envelope Envelope, TaskCompletionSource<PushResult> Done)
    {
        public string Iv { get; } = Convert.ToBase64String(Envelope.Iv);
    }

    readonly Queue<QueuedPush> outgoing = new();
    bool sending;

    /// <summary>Encrypts and pushes one update; completes once the server stored it (with its seq).</summary>
    public async Task<PushResult> PushUpdateAsync(byte[] plaintext, CancellationToken ct = default)
    {
        var envelope = Encrypt(EnvelopeKind.DocUpdate, plaintext);
        // The outbox (RoomSession.Outbox.cs): on disk before it leaves, done once acknowledged.
        using var kept = outbox?.KeepUpdate(plaintext, envelope, MemberId, LastSeq);
        var result = await PushAsync(kept?.Envelope ?? envelope, ct);
        kept?.Done();
        return result;
    }

    /// <summary>Pushes updates in this order, pipelined with any others in flight; completes with the last one's result.</summary>
    public async Task<PushResult> PushUpdatesAsync(IEnumerable<byte[]> plaintexts, CancellationToken ct = default)
    {
        // Each is queued (and kept in the outbox) before the next is made, so they leave in this order.
        var pushes = plaintexts.Select(p => PushUpdateAsync(p, ct)).ToList();
        if (pushes.Count == 0) throw new ArgumentException("Nothing to push.", nameof(plaintexts));
        await Task.WhenAll(pushes);
        return await pushes[^1];
    }

    async Task<PushResult> PushAsync(Envelope envelope, CancellationToken ct)
    {
        var push = new QueuedPush(envelope, new TaskCompletionSource<PushResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (pushing) pushing.Add(push.Iv);
        bool start;
        lock (outgoing)
        {
            outgoing.Enqueue(push);
            start = !sending;
            sending = true;
        }
        if (start) _ = SendQueuedAsync();
        return await push.Done.Task.WaitAsync(ct);
    }

    /// <summary>Sends what is queued, one call at a time, until the queue is empty.</summary>
    async Task SendQueuedAsync()
    {
        while (TakeCall() is { Count: > 0 } call)
        {
            try
            {
                var result = call.Count == 1
                    ? await Connection.InvokeAsync<PushResult>(HubNames.PushDocUpdate, RoomId, call[0].Envelope, lifetime.Token)
                    : await Connection.InvokeAsync<PushResult>(HubNames.PushDocUpdates, RoomId, call.Select(p => p.Envelope).ToArray(), lifetime.Token);
                // The call's updates hold consecutive seqs ending at result.Seq; only the last carries the snapshot request.
                var first = result.Seq - call.Count + 1;
                for (var i = 0; i < call.Count; i++) order.Offer(first + i, null);
                Drain();
                for (var i = 0; i < call.Count; i++)
                    call[i].Done.TrySetResult(i == call.Count - 1 ? result : result with { Seq = first + i, SnapshotDue = false });
            }
            catch (Exception e)
            {
                foreach (var push in call) push.Done.TrySetException(e);
            }
            // A push that failed with its connection may still have landed: it then comes back through a
            // catch-up and is delivered like anyone's, which tells the caller it did.
            lock (pushing) foreach (var push in call) pushing.Remove(push.Iv);
        }
    }

    /// <summary>The next call: what is queued, up to the limit, of the first one's key epoch (the server takes one epoch per call).</summary>
    List<QueuedPush> TakeCall()
    {
        lock (outgoing)
        {
            var call = new List<QueuedPush>();
            while (call.Count < Limits.MaxUpdatesPerPush && outgoing.TryPeek(out var next) &&
                   (call.Count == 0 || next.Envelope.Epoch == call[0].Envelope.Epoch))
                call.Add(outgoing.Dequeue());
            if (call.Count == 0) sending = false;
            return call;
        }
    }
}
