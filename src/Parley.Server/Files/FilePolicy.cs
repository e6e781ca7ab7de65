using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Accounts;
using Parley.Server.Hosting;
using Parley.Server.Rooms;
using Parley.Server.Storage;

namespace Parley.Server.Files;

/// <summary>
/// How much may be uploaded: the one place for it. Members (whom the access policy lets share files:
/// MemberAuth checks that, by the endpoint's attribute) may upload files up to the per-file limit,
/// while all the uploads of the room (attachments, the file manager's files, unfinished uploads)
/// stay within the per-room limit.
/// </summary>
public sealed class FilePolicy(IOptions<ParleyOptions> options, ParleyDb db)
{
    /// <param name="Title">Which rule refused: the ProblemDetails title.</param>
    public sealed record Refused(RefusalCode Code, string Title, string Message, int Status);

    public long MaxFileBytes => options.Value.MaxFileBytes;
    public long MaxRoomBytes => options.Value.MaxRoomBytes;

    /// <summary>Plaintext bytes of every upload of the room, finished or not.</summary>
    public Task<long> UsedBytesAsync(string roomId, CancellationToken ct) =>
        db.Files.Where(f => f.RoomId == roomId).SumAsync(f => f.Size, ct);

    /// <returns>Why no file of this size may be uploaded, or null when it may.</returns>
    public Refused? Check(long size) =>
        size < 0 ? new(RefusalCode.SizeInvalid, "Invalid size", "A file's size cannot be negative.", StatusCodes.Status400BadRequest)
        : size > MaxFileBytes ? TooLarge(RefusalCode.FileTooLarge, "File too large",
            $"The file is {Bytes(size)}: {Bytes(size - MaxFileBytes)} over the per-file limit (the limit is {Bytes(MaxFileBytes)}).")
        : null;

    /// <summary>Stores the new file's row (which <see cref="Check"/> let through) when the room has room for it; otherwise stores nothing.</summary>
    /// <returns>Why the file was refused, or null when it was stored.</returns>
    public async Task<Refused?> StoreAsync(FileRow file, CancellationToken ct)
    {
        // One statement sums the room's uploads and inserts, under the room's lock, so uploads started at
        // the same moment (on any node) cannot together pass the room's limit.
        await using var tx = await db.BeginRoomTransactionAsync(file.RoomId, ct);
        var stored = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO "Files" ("Id", "RoomId", "UploaderId", "Size", "ChunkCount", "Complete", "CreatedAt", "Released")
            SELECT {file.Id}, {file.RoomId}, {file.UploaderId}, {file.Size}, {file.ChunkCount}, {file.Complete}, {file.CreatedAt}, {file.Released}
            WHERE (SELECT COALESCE(SUM("Size"), 0) FROM "Files" WHERE "RoomId" = {file.RoomId}) + {file.Size} <= {MaxRoomBytes}
            """, ct);
        await tx.CommitAsync(ct);
        if (stored == 1) return null;
        var used = await UsedBytesAsync(file.RoomId, ct);
        return TooLarge(RefusalCode.RoomQuotaExceeded, "Room storage full", $"This room's uploads hold {used.ToString("N0", CultureInfo.InvariantCulture)} of its {Bytes(MaxRoomBytes)}, " +
            $"so a file of {Bytes(file.Size)} is {Bytes(used + file.Size - MaxRoomBytes)} over the per-room limit ({Bytes(Math.Max(0, MaxRoomBytes - used))} left).");
    }

    static Refused TooLarge(RefusalCode code, string title, string message) => new(code, title, message, StatusCodes.Status413PayloadTooLarge);

    static string Bytes(long count) => count == 1 ? "1 byte" : count.ToString("N0", CultureInfo.InvariantCulture) + " bytes";
}
