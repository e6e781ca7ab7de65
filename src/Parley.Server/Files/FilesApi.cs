using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Accounts;
using Parley.Server.FileManager;
using Parley.Server.Hosting;
using Parley.Server.Rooms;
using Parley.Server.Storage;

namespace Parley.Server.Files;

/// <summary>
/// Encrypted uploads (chat attachments, the file manager's files): chunked, resumable upload;
/// streaming, range-capable download; the room's usage against its quotas.
/// </summary>
public static class FilesApi
{
    public sealed record Limits(long MaxFileBytes, int ChunkBytes, int MaxEnvelopeBytes, int MaxChatBytes, long MaxRoomBytes);
    public sealed record Usage(long UsedBytes, long MaxRoomBytes, long MaxFileBytes);
    public sealed record CreateFileRequest(long Size);
    public sealed record CreatedFile(string FileId, int ChunkBytes, int ChunkCount);
    public sealed record FileStatus(string FileId, long Size, int ChunkBytes, int ChunkCount, IReadOnlyList<int> Received,
        bool Complete, string Uploader, DateTime CreatedAt);

    public sealed class Services(ParleyDb db, IBlobStore blobs, FilePolicy policy, RoomActivity activity)
    {
        public ParleyDb Db { get; } = db;
        public IBlobStore Blobs { get; } = blobs;
        public FilePolicy Policy { get; } = policy;
        public RoomActivity Activity { get; } = activity;
    }

    public static void MapFilesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/limits", (IOptions<ParleyOptions> o) => TypedResults.Ok(new Limits(
            o.Value.MaxFileBytes, FileLayout.ChunkBytes, o.Value.MaxEnvelopeBytes, o.Value.MaxChatBytes, o.Value.MaxRoomBytes)));
        var room = app.MapRoomMemberGroup();
        room.MapGet("/usage", RoomUsage);

        var files = room.MapGroup("/files");
        files.MapPost("/", Create).WithMetadata(new RequiresAttribute(Ability.ShareFiles));
        files.MapGet("/{fileId}", Status);
        files.MapPut("/{fileId}/chunks/{index:int}", PutChunk)
            .WithMetadata(new RequestSizeLimitAttribute(FileLayout.ChunkBytes + FileLayout.TagBytes));
        files.MapPost("/{fileId}/complete", Complete);
        files.MapGet("/{fileId}/content", Content);
        files.MapDelete("/{fileId}", Delete);
    }

    static async Task<Results<Created<CreatedFile>, ProblemHttpResult>> Create(string roomId, CreateFileRequest request,
        HttpContext http, Services s, TimeProvider clock)
    {
        var member = MemberAuth.Caller(http);
        if (s.Policy.Check(request.Size) is { } refused) return Refused(refused);
        var file = new FileRow
        {
            Id = Ids.New(), RoomId = roomId, UploaderId = member.Id, Size = request.Size,
            ChunkCount = FileLayout.ChunkCount(request.Size), CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        if (await s.Policy.StoreAsync(file, http.RequestAborted) is { } refusal) return Refused(refusal);
        return TypedResults.Created($"/api/rooms/{roomId}/files/{file.Id}", new CreatedFile(file.Id, FileLayout.ChunkBytes, file.ChunkCount));
    }

    static async Task<Ok<Usage>> RoomUsage(string roomId, Services s, CancellationToken ct) =>
        TypedResults.Ok(new Usage(await s.Policy.UsedBytesAsync(roomId, ct), s.Policy.MaxRoomBytes, s.Policy.MaxFileBytes));

    static async Task<Results<Ok<FileStatus>, ProblemHttpResult>> Status(string roomId, string fileId, HttpContext http,
        Services s)
    {
        if (await FindAsync(s.Db, roomId, fileId, http) is not { } file) return NoSuchFile();
        var received = await s.Db.FileChunks.Where(c => c.FileId == file.Id).OrderBy(c => c.Index)
            .Select(c => c.Index).ToListAsync(http.RequestAborted);
        return TypedResults.Ok(new FileStatus(file.Id, file.Size, FileLayout.ChunkBytes, file.ChunkCount, received,
            file.Complete, file.UploaderId, file.CreatedAt));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> PutChunk(string roomId, string fileId, int index,
        HttpContext http, Services s)
    {
        var (db, ct) = (s.Db, http.RequestAborted);
        if (await FindAsync(db, roomId, fileId, http) is not { } file || file.UploaderId != MemberAuth.Caller(http).Id)
            return NoSuchFile();
        if (file.Complete) return FileComplete(); // spares streaming a doomed chunk; LandChunkAsync is what decides
        if (index < 0 || index >= file.ChunkCount)
            return Problems.Refused(RefusalCode.ChunkInvalid, $"Chunk {index} does not exist: the file has {file.ChunkCount}.", 400);
        var length = FileLayout.CipherLength(file.Size, index);
        if (http.Request.ContentLength is { } declared && declared != length)
            return Problems.Refused(RefusalCode.ChunkInvalid, $"Chunk {index} must be {length} bytes, not {declared}.", 400);

        IStagedChunk staged;
        try { staged = await s.Blobs.StageChunkAsync(roomId, fileId, index, http.Request.Body, length, ct); }
        catch (InvalidDataException e) { return Problems.Refused(RefusalCode.ChunkInvalid, e.Message, 400); }
        await using (staged)
        {
            if (await LandChunkAsync(db, file, index, staged, ct) is { } refused) return refused;
            ParleyMetrics.BytesStored("file-chunk", length);
            return TypedResults.NoContent();
        }
    }

    // A complete file never changes. Streaming a chunk takes as long as the client likes, so a
    // check before it proves nothing; what holds is this: a chunk lands (is placed over any earlier
    // copy and gets its row) only inside a transaction whose first statement updates the file's row
    // where it is still incomplete, and Complete flips the flag with one update of that same row,
    // which also counts the chunk rows. The database serializes two writes of one row (SQLite's
    // write lock; a row lock on a server database), so every chunk lands, and is counted, wholly
    // before the completion, or finds the file complete, is refused and discarded unplaced. A chunk
    // still streaming when Complete runs cannot land later.
    static async Task<ProblemHttpResult?> LandChunkAsync(ParleyDb db, FileRow file, int index, IStagedChunk staged,
        CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var open = await db.Files.Where(f => f.Id == file.Id && !f.Complete)
            .ExecuteUpdateAsync(f => f.SetProperty(x => x.Complete, false), ct);
        if (open == 0) return await db.Files.AnyAsync(f => f.Id == file.Id, ct) ? FileComplete() : NoSuchFile();
        // The row before the rename: a write that fails (a full disk) rolls back with nothing placed.
        if (!await db.FileChunks.AnyAsync(c => c.FileId == file.Id && c.Index == index, ct))
        {
            db.FileChunks.Add(new FileChunkRow { FileId = file.Id, Index = index });
            await db.SaveChangesAsync(ct);
        }
        await staged.PlaceAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Complete(string roomId, string fileId, HttpContext http,
        Services s)
    {
        var (db, ct) = (s.Db, http.RequestAborted);
        if (await FindAsync(db, roomId, fileId, http) is not { } file || file.UploaderId != MemberAuth.Caller(http).Id)
            return NoSuchFile();
        // One statement, so no chunk lands between the count and the flag (see LandChunkAsync).
        var completed = await db.Files
            .Where(f => f.Id == file.Id && !f.Complete && db.FileChunks.Count(c => c.FileId == f.Id) >= f.ChunkCount)
            .ExecuteUpdateAsync(f => f.SetProperty(x => x.Complete, true), ct);
        if (completed == 1 || await db.Files.AnyAsync(f => f.Id == file.Id && f.Complete, ct)) return TypedResults.NoContent();
        var received = await db.FileChunks.CountAsync(c => c.FileId == fileId, ct);
        return Problems.Refused(RefusalCode.FileIncomplete, $"{file.ChunkCount - received} of {file.ChunkCount} chunks are missing.", 409);
    }

    static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Content(string roomId, string fileId, HttpContext http,
        Services s)
    {
        if (await FindAsync(s.Db, roomId, fileId, http) is not { } file) return NoSuchFile();
        if (!file.Complete) return Problems.Refused(RefusalCode.FileIncomplete, "The file is still being uploaded.", 409);
        // A fetch from the first byte is a download; later ranges are the same download resuming or seeking.
        if (http.Request.GetTypedHeaders().Range is not { } range || range.Ranges.Any(r => r.From == 0))
            await s.Activity.RecordDownloadAsync(roomId, MemberAuth.Caller(http).Id, file.Id, http.RequestAborted);
        return TypedResults.Stream(new ChunkedContentStream(s.Blobs, file), "application/octet-stream",
            enableRangeProcessing: true);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(string roomId, string fileId, HttpContext http,
        Services s)
    {
        var (db, ct) = (s.Db, http.RequestAborted);
        if (await FindAsync(db, roomId, fileId, http) is not { } file || file.UploaderId != MemberAuth.Caller(http).Id)
            return NoSuchFile();
        if (await db.Entries.AnyAsync(e => e.FileId == file.Id, ct))
            return Problems.Refused(RefusalCode.FileInManager, "The file is in the room's files: delete its entry instead.", 409);
        await db.DeleteFileAsync(s.Blobs, roomId, file.Id, ct);
        return TypedResults.NoContent();
    }

    static Task<FileRow?> FindAsync(ParleyDb db, string roomId, string fileId, HttpContext http) =>
        db.Files.AsNoTracking().SingleOrDefaultAsync(f => f.Id == fileId && f.RoomId == roomId, http.RequestAborted);

    static ProblemHttpResult Refused(FilePolicy.Refused refused) =>
        Problems.Refused(refused.Code, refused.Message, refused.Status, refused.Title);

    static ProblemHttpResult FileComplete() => Problems.Refused(RefusalCode.FileComplete, "The file is complete; it can no longer change.", 409);

    static ProblemHttpResult NoSuchFile() => Problems.Refused(RefusalCode.FileUnknown, "No such file in this room.", 404);
}
