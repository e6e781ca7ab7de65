using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Parley.Client.Protocol;
using Parley.Server.Storage;

namespace Parley.Server.Sync;

/// <summary>
/// Appends encrypted updates to their room's log. Pushes queue up and are written in batches, one
/// transaction each, so many edits share one durable commit; a push is acknowledged (its sequence
/// number returned) only after that commit. Sequence numbers come from the database row of the
/// room, so they stay right when several server nodes share one database.
/// </summary>
public sealed class DocWriter(IServiceScopeFactory scopes, RoomFanout fanout, SnapshotPolicy policy,
    TimeProvider clock, ILogger<DocWriter> log) : BackgroundService
{
    const int MaxBatch = 512;

    sealed record Pending(string RoomId, string SenderId, string ConnectionId, Envelope Envelope)
    {
        public TaskCompletionSource<PushResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    sealed class Counters
    {
        public long LatestSeq { get; set; }
        public int UpdatesSinceSnapshot { get; set; }
        public long BytesSinceSnapshot { get; set; }
    }

    readonly Channel<Pending> queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(50_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public async Task<PushResult> AppendAsync(string roomId, string senderId, string connectionId, Envelope envelope,
        CancellationToken cancellationToken)
    {
        var pending = new Pending(roomId, senderId, connectionId, envelope);
        await queue.Writer.WriteAsync(pending, cancellationToken);
        return await pending.Done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && queue.Reader.TryRead(out var item)) batch.Add(item);
                try { await WriteAsync(batch, stoppingToken); }
                catch (Exception e)
                {
                    log.LogError(e, "Storing a batch of {Count} updates failed", batch.Count);
                    foreach (var p in batch) p.Done.TrySetException(new HubException("The update could not be stored; send it again."));
                }
            }
        }
        finally
        {
            // Nothing unacknowledged is lost: the clients keep these and send them again.
            while (queue.Reader.TryRead(out var p)) p.Done.TrySetException(new HubException("The server is shutting down."));
        }
    }

    async Task WriteAsync(List<Pending> batch, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var acknowledged = new List<(Pending Pending, StoredUpdate Update, bool SnapshotDue)>(batch.Count);

        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            foreach (var room in batch.GroupBy(p => p.RoomId))
            {
                var epoch = await db.Rooms.Where(r => r.Id == room.Key).Select(r => (int?)r.Epoch).SingleOrDefaultAsync(ct);
                var accepted = new List<Pending>();
                foreach (var p in room)
                {
                    if (epoch is null) p.Done.TrySetException(new HubException("Unknown room."));
                    else if (p.Envelope.Epoch != epoch)
                        p.Done.TrySetException(new HubException($"Stale key epoch: {p.Envelope.Epoch}, the room is at {epoch}."));
                    else accepted.Add(p);
                }
                if (accepted.Count == 0) continue;

                var bytes = accepted.Sum(p => (long)p.Envelope.Ciphertext.Length);
                var after = (await db.Database.SqlQuery<Counters>($"""
                    UPDATE "Rooms" SET "LatestSeq" = "LatestSeq" + {accepted.Count},
                        "UpdatesSinceSnapshot" = "UpdatesSinceSnapshot" + {accepted.Count},
                        "BytesSinceSnapshot" = "BytesSinceSnapshot" + {bytes}
                    WHERE "Id" = {room.Key} AND "Epoch" = {epoch}
                    RETURNING "LatestSeq", "UpdatesSinceSnapshot", "BytesSinceSnapshot"
                    """).ToListAsync(ct)).SingleOrDefault();
                if (after is null)
                {
                    foreach (var p in accepted) p.Done.TrySetException(new HubException("Stale key epoch: the room's key just changed."));
                    continue;
                }

                var seq = after.LatestSeq - accepted.Count;
                foreach (var p in accepted)
                {
                    var row = new DocUpdateRow
                    {
                        RoomId = p.RoomId, Seq = ++seq, SenderId = p.SenderId, Epoch = p.Envelope.Epoch,
                        Iv = p.Envelope.Iv, Ciphertext = p.Envelope.Ciphertext, CreatedAt = now,
                    };
                    db.DocUpdates.Add(row);
                    acknowledged.Add((p, row.ToWire(), false));
                }
                // One pusher per threshold crossing is asked for a snapshot: the last of this batch.
                var due = policy.IsDue(after.UpdatesSinceSnapshot - accepted.Count, after.UpdatesSinceSnapshot,
                    after.BytesSinceSnapshot - bytes, after.BytesSinceSnapshot);
                if (due) acknowledged[^1] = acknowledged[^1] with { SnapshotDue = true };
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        foreach (var (pending, update, due) in acknowledged)
        {
            pending.Done.TrySetResult(new PushResult(update.Seq, due));
            await fanout.EnqueueAsync(pending.RoomId, pending.ConnectionId, update, ct);
        }
    }
}
