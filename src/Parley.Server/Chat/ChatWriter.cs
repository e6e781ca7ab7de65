using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Hosting;
using Parley.Server.Realtime;
using Parley.Server.Storage;
using Parley.Server.Sync;

namespace Parley.Server.Chat;

/// <summary>
/// Stores chat messages in batches and acknowledges each after its commit. Sending is idempotent
/// per (room, sender, client message id): a retry gets the first acknowledgement back.
/// </summary>
public sealed class ChatWriter(IServiceScopeFactory scopes, RoomFanout fanout, IOptions<ParleyOptions> options,
    TimeProvider clock, IHostApplicationLifetime lifetime, ILogger<ChatWriter> log)
    : BatchedWriter<ChatWriter.Message, ChatAck>("chat", lifetime, log)
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
                var bytes = stored.Where(s => s.Row.RoomId == room.Key).Sum(s => (long)s.Row.Envelope.Ciphertext.Length);
                var limit = options.Value.MaxChatLogBytes;

                // Only while the room is still at the epoch checked above: a rotation committed in
                // between must not let messages under the old key in (as DocWriter does). The chat's
                // share of MaxRoomLogBytes is checked in the same UPDATE.
                var latest = (await db.Database.SqlQuery<long>($"""
                    UPDATE "Rooms" SET "ChatLatestSeq" = "ChatLatestSeq" + {count}, "ChatBytes" = "ChatBytes" + {bytes}
                    WHERE "Id" = {room.Key} AND "Epoch" = {epoch} AND "ChatBytes" + {bytes} <= {limit}
                    RETURNING "ChatLatestSeq" AS "Value"
                    """).ToListAsync(ct)).SingleOrDefault();
                if (latest == 0)
                {
                    var stale = await WhyNotAsync(db, room.Key, epoch, limit, ct);
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
        ParleyMetrics.Committed("chat", stored.Count, stored.Sum(s => (long)s.Row.Envelope.Ciphertext.Length));

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

    /// <summary>Only on the refused path: tells a key change from a full chat.</summary>
    static async Task<Refusal> WhyNotAsync(ParleyDb db, string roomId, int? epoch, long limit, CancellationToken ct)
    {
        var room = await db.Rooms.AsNoTracking().Where(r => r.Id == roomId).Select(r => new { r.Epoch, r.ChatBytes }).SingleOrDefaultAsync(ct);
        return room is null || room.Epoch != epoch
            ? new Refusal(RefusalCode.EpochStale, "Stale key epoch: the room's key just changed.")
            : new Refusal(RefusalCode.RoomLogFull,
                $"The room's chat history is full: {room.ChatBytes} of {limit} bytes are stored. Nothing frees them; the room's creator can end the room and start a new one.");
    }
}
