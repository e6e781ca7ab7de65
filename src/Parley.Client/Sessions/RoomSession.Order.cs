using System.Security.Cryptography;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Protocol;

namespace Parley.Client.Sessions;

// The document's delivery path (docs/protocol.md, "Sync"): live events, fetched pages and a join's
// catch-up all go through one UpdateOrder, so UpdateReceived sees each seq once, in order. A gap that
// live events do not fill within GapWait is fetched, as the browser's web/src/sync/gapFiller.ts does.
public sealed partial class RoomSession
{
    static readonly TimeSpan MaxGapWait = TimeSpan.FromSeconds(30);

    readonly UpdateOrder order = new();
    // Taken while delivering, so two threads that both find updates ready cannot interleave them.
    readonly Lock delivery = new();
    // Ivs of this session's pushes still waiting for their seq: a fetch or catch-up that brings one
    // back marks it seen instead of delivering it (the server never echoes a push to its sender).
    readonly HashSet<string> pushing = [];
    readonly Lock gapGate = new();
    bool gapPending;
    TimeSpan? gapBackoff;

    /// <summary>How long an update above a gap waits for the missing ones to arrive live before they are fetched.</summary>
    public TimeSpan GapWait { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The log up to this seq was replaced by a snapshot while this session had a gap below it, or
    /// while it was away: apply the snapshot; the updates after it follow through <see cref="UpdateReceived"/>.
    /// </summary>
    public event Action<DocEntry>? SnapshotReceived;

    /// <summary>Test-only: return false to lose a live delivery, as a dropped relay between nodes would.</summary>
    internal Func<StoredUpdate, bool>? KeepLiveUpdate { get; set; }

    /// <summary>Updates held above a missing seq (for tests).</summary>
    internal int HeldUpdates => order.Held;

    /// <summary>One committed batch of the room, in seq order (without this connection's own pushes).</summary>
    internal void OnDocUpdates(string roomId, StoredUpdate[] updates)
    {
        if (roomId != RoomId) return;
        foreach (var update in updates)
            if (KeepLiveUpdate?.Invoke(update) != false) Take(update);
        Drain();
    }

    void Take(StoredUpdate update)
    {
        bool own;
        lock (pushing) own = pushing.Contains(Convert.ToBase64String(update.Envelope.Iv));
        order.Offer(update.Seq, own ? null : update);
    }

    void Drain()
    {
        lock (delivery)
            while (order.TryTakeNext(out var update))
                if (update is not null) Deliver(update);
        if (order.HasGap) NoticeGap();
    }

    void Deliver(StoredUpdate update)
    {
        byte[] plaintext;
        try { plaintext = Decrypt(EnvelopeKind.DocUpdate, update.Sender, update.Envelope); }
        catch (Exception e) when (e is CryptographicException or KeyNotFoundException)
        {
            // Not for this room, kind or sender, tampered with, or of an epoch this member holds no key for: never applied.
            UndecryptableReceived?.Invoke(update);
            return;
        }
        UpdateReceived?.Invoke(new DocEntry(update.Seq, update.Sender, plaintext));
    }

    /// <summary>Delivers a snapshot that replaced the log up to its seq, in its place in the order.</summary>
    void DeliverSnapshot(StoredSnapshot snapshot)
    {
        lock (delivery)
        {
            if (snapshot.UpToSeq <= order.Delivered) return;
            order.Skip(snapshot.UpToSeq);
            SnapshotReceived?.Invoke(new DocEntry(snapshot.UpToSeq, snapshot.Sender,
                Decrypt(EnvelopeKind.DocSnapshot, snapshot.Sender, snapshot.Envelope)));
        }
    }

    // Hub handlers must not wait: the fetch runs on its own after the wait, one at a time.
    void NoticeGap()
    {
        TimeSpan wait;
        lock (gapGate)
        {
            if (gapPending || lifetime.IsCancellationRequested) return;
            gapPending = true;
            wait = gapBackoff ?? GapWait;
        }
        _ = Task.Run(async () =>
        {
            try { await Task.Delay(wait, lifetime.Token); }
            catch (OperationCanceledException) { return; }
            await FillGapAsync();
        });
    }

    /// <summary>
    /// Fetches what the log holds after <see cref="LastSeq"/> now, gap or not: an update whose node
    /// died between its commit and its fan-out reaches nobody live, and when no later update comes,
    /// no gap ever shows it. Each comes through <see cref="UpdateReceived"/> once, in order.
    /// </summary>
    /// <returns>How many updates it delivered.</returns>
    public async Task<int> FillGapsAsync(CancellationToken ct = default)
    {
        var before = LastSeq;
        await FetchLogAsync(whileGap: false, ct);
        return (int)(LastSeq - before);
    }

    /// <summary>Delivers the log's pages after what was delivered, until the log ends (or, <paramref name="whileGap"/>, no gap is left).</summary>
    async Task FetchLogAsync(bool whileGap, CancellationToken ct)
    {
        do
        {
            var page = await Connection.InvokeAsync<UpdatePage>(HubNames.FetchUpdates, RoomId, order.Delivered, ct);
            foreach (var update in page.Updates) Take(update);
            Drain();
            if (!page.More || page.Updates.Count == 0) return;
        } while (!whileGap || order.HasGap);
    }

    /// <summary>Fetches the log above <see cref="LastSeq"/> while a gap stays; joins again when a snapshot replaced it.</summary>
    internal async Task FillGapAsync()
    {
        var before = LastSeq;
        try
        {
            if (order.HasGap) await FetchLogAsync(whileGap: true, lifetime.Token);
        }
        catch (HubException e) when (e.RefusalCode() == RefusalCode.SequenceInvalid)
        {
            // Compacted meanwhile: a join from LastSeq brings the snapshot and the updates after it.
            try { await CatchUpAsync(lifetime.Token); }
            catch (Exception) { /* asked again below, less often; a dropped connection is the resume's */ }
        }
        catch (Exception) { /* the connection dropped or the session ended: asked again below, less often */ }
        finally
        {
            lock (gapGate)
            {
                gapPending = false;
                // A gap the log does not fill (a server that skips a number) is asked about less and less often.
                gapBackoff = LastSeq > before ? null : TimeSpan.FromTicks(Math.Min((gapBackoff ?? GapWait).Ticks * 2, MaxGapWait.Ticks));
            }
        }
        if (order.HasGap) NoticeGap();
    }
}
