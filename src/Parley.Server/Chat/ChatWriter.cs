using Microsoft.EntityFrameworkCore;
using Parley.Protocol;
using Parley.Server.Realtime;
using Parley.Server.Storage;
using Parley.Server.Sync;

namespace Parley.Server.Chat;

/// <summary>
/// Stores chat messages in batches and acknowledges each after its commit. Sending is idempotent
/// per (room, sender, client message id): a retry gets the first acknowledgement back.
/// </summary>
public sealed class ChatWriter(IServiceScopeFactory scopes, RoomFanout fanout, TimeProvider clock, ILogger<ChatWriter> log)
    : BatchedWriter<ChatWriter.Message, ChatAck>(log)
{
    public sealed record Message(string RoomId, string SenderId, string ConnectionId, string ClientMessageId, Envelope Envelope);

    public Task<ChatAck> SendAsync(Message message, CancellationToken cancellationToken) => EnqueueAsync(message, cancellationToken);

    protected override async Task WriteBatchAsync(IReadOnlyList<Pending> batch, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var stored = new List<(Pending Pending, ChatMessageRow Row)>();
        var repeats = new List<(Pending Pending, ChatMessageRow Row)>();

        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            foreach (var room in batch.GroupBy(p => p.Item.RoomId))
            {
                var epoch = await RoomEpoch.CurrentAsync(db, room.Key, ct);
                var ids = room.Select(p => p.Item.ClientMessageId).Distinct().ToList();
                var earlier = await db.ChatMessages.AsNoTracking()
                    .Where(m => m.RoomId == room.Key && ids.Contains(m.ClientMessageId))
                    .ToDictionaryAsync(m => (m.SenderId, m.ClientMessageId), ct);
                var fresh = new Dictionary<(string, string), ChatMessageRow>();
                foreach (var p in room)
                {
                    var key = (p.Item.SenderId, p.Item.ClientMessageId);
                    if (earlier.TryGetValue(key, out var old) || fresh.TryGetValue(key, out old)) { repeats.Add((p, old)); continue; }
                    if (RoomEpoch.Check(epoch, p.Item.Envelope.Epoch) is { } refusal)
                    {
                        p.Refuse(refusal);
                        continue;
                    }
                    var row = NewRow(p.Item, now);
                    fresh[key] = row;
                    stored.Add((p, row));
                }
                var count = stored.Count(s => s.Row.RoomId == room.Key);
                if (count == 0) continue;

                // Only while the room is still at the epoch checked above: a rotation committed in
                // between must not let messages under the old key in (as DocWriter does).
                var latest = (await db.Database.SqlQuery<long>($"""
                    UPDATE "Rooms" SET "ChatLatestSeq" = "ChatLatestSeq" + {count} WHERE "Id" = {room.Key} AND "Epoch" = {epoch}
                    RETURNING "ChatLatestSeq" AS "Value"
                    """).ToListAsync(ct)).SingleOrDefault();
                if (latest == 0)
                {
                    var stale = new Refusal(RefusalCode.EpochStale, "Stale key epoch: the room's key just changed.");
                    var refused = fresh.Values.ToHashSet();
                    foreach (var s in stored.Where(s => refused.Contains(s.Row)).Concat(repeats.Where(r => refused.Contains(r.Row))))
                        s.Pending.Refuse(stale);
                    stored.RemoveAll(s => refused.Contains(s.Row));
                    repeats.RemoveAll(r => refused.Contains(r.Row));
                    continue;
                }
                var seq = latest - count;
                foreach (var (_, row) in stored.Where(s => s.Row.RoomId == room.Key))
                {
                    row.Seq = ++seq;
                    db.ChatMessages.Add(row);
                }
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        foreach (var (pending, row) in repeats) pending.Done.TrySetResult(row.ToAck());
        foreach (var (pending, row) in stored)
        {
            pending.Done.TrySetResult(row.ToAck());
            fanout.Chat(row.RoomId, pending.Item.ConnectionId, row.ToWire());
        }
    }

    static ChatMessageRow NewRow(Message m, DateTime now) => new()
    {
        RoomId = m.RoomId, SenderId = m.SenderId, ClientMessageId = m.ClientMessageId, SentAt = now,
        Envelope = StoredEnvelope.From(m.Envelope),
    };
}
