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
                var ids = room.Select(p => p.Item.ClientMessageId).Distinct().ToList();
                var earlier = await db.ChatMessages.AsNoTracking()
                    .Where(m => m.RoomId == room.Key && ids.Contains(m.ClientMessageId))
                    .ToDictionaryAsync(m => (m.SenderId, m.ClientMessageId), ct);
                var fresh = new Dictionary<(string, string), ChatMessageRow>();
                var roomFresh = new List<(Pending Pending, ChatMessageRow Row)>();
                var roomRepeats = new List<(Pending Pending, ChatMessageRow Row)>();
                foreach (var p in room)
                {
                    var key = (p.Item.SenderId, p.Item.ClientMessageId);
                    if (earlier.TryGetValue(key, out var old) || fresh.TryGetValue(key, out old)) roomRepeats.Add((p, old));
                    else roomFresh.Add((p, fresh[key] = NewRow(p.Item, now)));
                }
                var refused = new Dictionary<ChatMessageRow, Refusal>();
                // By key epoch: one group, but while a key changes.
                foreach (var atEpoch in roomFresh.GroupBy(s => s.Row.Envelope.Epoch))
                {
                    if (await NumberAsync(db, room.Key, atEpoch.Key, atEpoch.Select(s => s.Row).ToList(), ct) is not { } why)
                        stored.AddRange(atEpoch);
                    else
                        foreach (var (pending, row) in atEpoch)
                        {
                            pending.Refuse(why);
                            refused[row] = why;
                        }
                }
                // A retry within the batch of a message refused above is refused alike.
                foreach (var (pending, row) in roomRepeats)
                    if (refused.TryGetValue(row, out var why)) pending.Refuse(why);
                    else repeats.Add((pending, row));
            }
            await MultiRowInsert.ExecuteAsync(db, "ChatMessages", Columns, stored.Select(s => Values(s.Row)).ToList(), ct);
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

    /// <summary>
    /// Gives the rows the room's next chat seqs, or says why not. The epoch check and the chat's share
    /// of MaxRoomLogBytes are part of the same UPDATE: a rotation committed meanwhile lets nothing old in.
    /// </summary>
    async Task<Refusal?> NumberAsync(ParleyDb db, string roomId, int epoch, IReadOnlyList<ChatMessageRow> rows, CancellationToken ct)
    {
        var bytes = rows.Sum(r => (long)r.Envelope.Ciphertext.Length);
        var limit = options.Value.MaxChatLogBytes;
        var latest = (await db.Database.SqlQuery<long>($"""
            UPDATE "Rooms" SET "ChatLatestSeq" = "ChatLatestSeq" + {rows.Count}, "ChatBytes" = "ChatBytes" + {bytes},
                "EpochEnvelopes" = "EpochEnvelopes" + {rows.Count}
            WHERE "Id" = {roomId} AND "Epoch" = {epoch} AND "ChatBytes" + {bytes} <= {limit}
            RETURNING "ChatLatestSeq" AS "Value"
            """).ToListAsync(ct)).SingleOrDefault();
        if (latest == 0) return await WhyNotAsync(db, roomId, epoch, limit, ct);
        var seq = latest - rows.Count;
        foreach (var row in rows) row.Seq = ++seq;
        return null;
    }

    static ChatMessageRow NewRow(Message m, DateTime now) => new()
    {
        RoomId = m.RoomId, SenderId = m.SenderId, ClientMessageId = m.ClientMessageId, SentAt = now,
        Envelope = StoredEnvelope.From(m.Envelope),
    };

    static readonly string[] Columns = ["RoomId", "Seq", "SenderId", "ClientMessageId", "SentAt", "Epoch", "Iv", "Ciphertext"];

    /// <summary>A row's values in <see cref="Columns"/>' order, as ChatMessageRow is mapped (ChatMessageRow.cs).</summary>
    static object[] Values(ChatMessageRow m) =>
        [m.RoomId, m.Seq, m.SenderId, m.ClientMessageId, m.SentAt, m.Envelope.Epoch, m.Envelope.Iv, m.Envelope.Ciphertext];

    /// <summary>Only on the refused path: tells an unknown room or a key change from a full chat.</summary>
    static async Task<Refusal> WhyNotAsync(ParleyDb db, string roomId, int epoch, long limit, CancellationToken ct)
    {
        var room = await db.Rooms.AsNoTracking().Where(r => r.Id == roomId).Select(r => new { r.Epoch, r.ChatBytes }).SingleOrDefaultAsync(ct);
        return RoomEpoch.Check(room?.Epoch, epoch) ?? new Refusal(RefusalCode.RoomLogFull,
            $"The room's chat history is full: {room!.ChatBytes} of {limit} bytes are stored. Nothing frees them; the room's creator can end the room and start a new one.");
    }
}
