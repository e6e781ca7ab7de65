using Microsoft.EntityFrameworkCore;
using Parley.Protocol;
using Parley.Server.Storage;

namespace Parley.Server.Chat;

/// <summary>Reads a room's chat history in pages.</summary>
public sealed class ChatLog(ParleyDb db)
{
    /// <summary>Newest first, before <paramref name="beforeSeq"/> (0 = from the newest).</summary>
    public async Task<ChatPage> HistoryAsync(string roomId, long beforeSeq, int limit, CancellationToken ct)
    {
        CheckLimit(limit);
        var query = db.ChatMessages.AsNoTracking().Where(m => m.RoomId == roomId);
        if (beforeSeq > 0) query = query.Where(m => m.Seq < beforeSeq);
        var rows = await query.OrderByDescending(m => m.Seq).Take(limit + 1).ToListAsync(ct);
        return new ChatPage(rows.Take(limit).Select(r => r.ToWire()).ToList(), rows.Count > limit);
    }

    /// <summary>Oldest first, after <paramref name="afterSeq"/>: what a reconnecting client missed.</summary>
    public async Task<ChatPage> SinceAsync(string roomId, long afterSeq, int limit, CancellationToken ct)
    {
        CheckLimit(limit);
        var rows = await db.ChatMessages.AsNoTracking()
            .Where(m => m.RoomId == roomId && m.Seq > afterSeq)
            .OrderBy(m => m.Seq).Take(limit + 1).ToListAsync(ct);
        return new ChatPage(rows.Take(limit).Select(r => r.ToWire()).ToList(), rows.Count > limit);
    }

    static void CheckLimit(int limit)
    {
        if (limit is < 1 or > Limits.ChatMaxPage)
            throw new Refusal(RefusalCode.PageInvalid, $"Invalid page size: {limit}, allowed 1..{Limits.ChatMaxPage}.");
    }
}
