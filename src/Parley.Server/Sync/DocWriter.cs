using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Hosting;
using Parley.Server.Realtime;
using Parley.Server.Storage;

namespace Parley.Server.Sync;

/// <summary>
/// Appends encrypted updates to their room's log, in batches (see <see cref="BatchedWriter{TItem,TResult}"/>).
/// Sequence numbers come from the room's database row inside the same transaction, so they have
/// no gaps and stay right when several server nodes share one database.
/// </summary>
public sealed class DocWriter(IServiceScopeFactory scopes, RoomFanout fanout, SnapshotPolicy policy,
    IOptions<ParleyOptions> options, TimeProvider clock, IHostApplicationLifetime lifetime, ILogger<DocWriter> log)
    : BatchedWriter<DocWriter.Push, PushResult>("doc", lifetime, log)
{
    /// <summary>One call's updates, all of one key epoch: stored together, with consecutive seqs, or refused together.</summary>
    public sealed record Push(string RoomId, string SenderId, string ConnectionId, IReadOnlyList<Envelope> Envelopes)
    {
        public Push(string roomId, string senderId, string connectionId, Envelope envelope) : this(roomId, senderId, connectionId, [envelope]) { }

        public int Epoch => Envelopes[0].Epoch;
    }

    sealed class Counters
    {
        public long LatestSeq { get; set; }
        public int UpdatesSinceSnapshot { get; set; }
        public long BytesSinceSnapshot { get; set; }
        public long PendingSnapshotSeq { get; set; }
    }

    /// <returns>The seq of the push's last update (the first is <c>Seq - Envelopes.Count + 1</c>), once all are stored.</returns>
    public Task<PushResult> AppendAsync(Push push, CancellationToken cancellationToken) => EnqueueAsync(push, cancellationToken);

    protected override int WeightOf(Push push) => push.Envelopes.Count;

    protected override async Task WriteBatchAsync(IReadOnlyList<Pending> batch, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var stored = new List<(Pending Pending, StoredUpdate Update)>(batch.Count);
        var results = new List<(Pending Pending, PushResult Result)>(batch.Count);

        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // By room, and within a room by the pushes' key epoch: one group, but while a key changes.
            foreach (var group in batch.GroupBy(p => (p.Item.RoomId, p.Item.Epoch)))
            {
                var (roomId, epoch) = group.Key;
                var accepted = group.ToList();
                var count = accepted.Sum(p => p.Item.Envelopes.Count);
                var bytes = accepted.Sum(p => p.Item.Envelopes.Sum(e => (long)e.Ciphertext.Length));
                var limit = options.Value.MaxDocLogBytes;
                // The epoch check and the bound are part of the same UPDATE: no read on the way in.
                var after = (await db.Database.SqlQuery<Counters>($"""
                    UPDATE "Rooms" SET "LatestSeq" = "LatestSeq" + {count},
                        "UpdatesSinceSnapshot" = "UpdatesSinceSnapshot" + {count},
                        "BytesSinceSnapshot" = "BytesSinceSnapshot" + {bytes}
                    WHERE "Id" = {roomId} AND "Epoch" = {epoch}
                        AND "SnapshotBytes" + "BytesSinceSnapshot" + {bytes} <= {limit}
                    RETURNING "LatestSeq", "UpdatesSinceSnapshot", "BytesSinceSnapshot", "PendingSnapshotSeq"
                    """).ToListAsync(ct)).SingleOrDefault();
                if (after is null)
                {
                    var refusal = await WhyNotAsync(db, roomId, epoch, limit, ct);
                    foreach (var p in accepted) p.Refuse(refusal);
                    continue;
                }

                // Only while a member's snapshot waits (rarely): who sent it, so everyone else is asked to check it.
                var confirmDue = after.PendingSnapshotSeq == 0 ? null : await db.PendingSnapshots.Where(s => s.RoomId == roomId)
                    .Select(s => new SnapshotRef(s.UpToSeq, s.SenderId)).SingleOrDefaultAsync(ct);
                var seq = after.LatestSeq - count;
                foreach (var p in accepted)
                {
                    foreach (var envelope in p.Item.Envelopes) stored.Add((p, new StoredUpdate(++seq, p.Item.SenderId, envelope)));
                    results.Add((p, new PushResult(seq, false) { ConfirmDue = confirmDue is not null && confirmDue.Sender != p.Item.SenderId ? confirmDue : null }));
                }
                // One pusher per threshold crossing is asked for a snapshot: the last of this group. Not while
                // a snapshot waits for its confirmation: a newer one would only replace it before it is checked.
                var due = confirmDue is null && policy.IsDue(after.UpdatesSinceSnapshot - count, after.UpdatesSinceSnapshot,
                    after.BytesSinceSnapshot - bytes, after.BytesSinceSnapshot);
                if (due) results[^1] = results[^1] with { Result = results[^1].Result with { SnapshotDue = true } };
            }
            await InsertAsync(db, stored.Select(a => (a.Pending.Item.RoomId, a.Update)), now, ct);
            await tx.CommitAsync(ct);
        }
        ParleyMetrics.Committed("doc-update", stored.Count, stored.Sum(a => (long)a.Update.Envelope.Ciphertext.Length));

        foreach (var (pending, result) in results) pending.Done.TrySetResult(result);
        // Grouped by room in seq order above: one message per room for the whole batch.
        foreach (var room in stored.GroupBy(a => a.Pending.Item.RoomId))
            fanout.DocUpdates(room.Key, room.Select(a => (a.Pending.Item.ConnectionId, a.Update)).ToList());
    }

    static readonly string[] Columns = ["RoomId", "Seq", "SenderId", "Epoch", "Iv", "Ciphertext", "CreatedAt"];

    /// <summary>The batch's rows in one statement; the columns are DocUpdateRow's (Sync/DocRows.cs).</summary>
    static Task InsertAsync(ParleyDb db, IEnumerable<(string RoomId, StoredUpdate Update)> rows, DateTime now, CancellationToken ct) =>
        MultiRowInsert.ExecuteAsync(db, "DocUpdates", Columns,
            rows.Select(r => new object[] { r.RoomId, r.Update.Seq, r.Update.Sender, r.Update.Envelope.Epoch, r.Update.Envelope.Iv, r.Update.Envelope.Ciphertext, now })
                .ToList(), ct);

    /// <summary>Only on the refused path: tells an unknown room or a key change from a full log.</summary>
    static async Task<Refusal> WhyNotAsync(ParleyDb db, string roomId, int epoch, long limit, CancellationToken ct)
    {
        var room = await db.Rooms.AsNoTracking().Where(r => r.Id == roomId)
            .Select(r => new { r.Epoch, Used = r.SnapshotBytes + r.BytesSinceSnapshot }).SingleOrDefaultAsync(ct);
        return RoomEpoch.Check(room?.Epoch, epoch) ?? new Refusal(RefusalCode.RoomLogFull,
            $"The room's document history is full: {room!.Used} of {limit} bytes are stored; a snapshot from the creator, or a member's that another member confirmed, frees them.");
    }
}
