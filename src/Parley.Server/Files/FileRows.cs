using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.Rooms;
using Parley.Server.Storage;

namespace Parley.Server.Files;

/// <summary>An uploaded (or uploading) encrypted file: sizes and times, never a name or a key.</summary>
public sealed class FileRow
{
    public required string Id { get; init; }
    public required string RoomId { get; init; }
    public required string UploaderId { get; init; }

    /// <summary>Plaintext size in bytes, as the uploader declared it; fixes the chunk layout.</summary>
    public long Size { get; init; }

    public int ChunkCount { get; init; }
    public bool Complete { get; set; }
    public DateTime CreatedAt { get; init; }

    /// <summary>
    /// Set in the same transaction that lets go of the file (a new version replaced it, its entry
    /// was deleted); its rows and blobs are deleted right after, or by the cleanup service if the
    /// server stopped in between, so no such file lingers on disk or counts against the quota.
    /// </summary>
    public bool Released { get; set; }
}

/// <summary>A chunk that is durably stored in the blob store.</summary>
public sealed class FileChunkRow
{
    public required string FileId { get; init; }
    public int Index { get; init; }
}

sealed class FileRowConfiguration : IEntityTypeConfiguration<FileRow>, IEntityTypeConfiguration<FileChunkRow>
{
    public void Configure(EntityTypeBuilder<FileRow> file)
    {
        file.Property(f => f.Id).HasMaxLength(Ids.Length);
        file.Property(f => f.RoomId).HasMaxLength(Ids.Length);
        file.Property(f => f.UploaderId).HasMaxLength(Ids.Length);
        file.HasIndex(f => f.RoomId);
        file.HasOne<Room>().WithMany().HasForeignKey(f => f.RoomId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<FileChunkRow> chunk)
    {
        chunk.HasKey(c => new { c.FileId, c.Index });
        chunk.Property(c => c.FileId).HasMaxLength(Ids.Length);
        chunk.HasOne<FileRow>().WithMany().HasForeignKey(c => c.FileId).OnDelete(DeleteBehavior.Cascade);
    }
}

public static class FileRemoval
{
    /// <summary>Marks files to be deleted, inside the caller's transaction; <see cref="DeleteFileAsync"/> follows the commit.</summary>
    public static Task ReleaseFilesAsync(this ParleyDb db, string roomId, IReadOnlyCollection<string> fileIds, CancellationToken ct) =>
        fileIds.Count == 0 ? Task.CompletedTask
            : db.Files.Where(f => f.RoomId == roomId && fileIds.Contains(f.Id)).ExecuteUpdateAsync(f => f.SetProperty(x => x.Released, true), ct);

    /// <summary>Deletes a file for real: its rows (chunks cascade), then its blobs. Rows first, so a
    /// file whose blobs fail to go is at least never served again. On a full disk SQLite cannot
    /// delete, so the blobs go first there and the rows after: a DELETE that fails even then can be
    /// sent again and finds nothing left to free but the rows.</summary>
    public static async Task DeleteFileAsync(this ParleyDb db, IBlobStore blobs, string roomId, string fileId, CancellationToken ct)
    {
        await DiskFull.FreeingBlobsFirstIfFullAsync(
            () => db.Files.Where(f => f.Id == fileId && f.RoomId == roomId).ExecuteDeleteAsync(ct),
            () => blobs.DeleteFileAsync(roomId, fileId, ct));
        await blobs.DeleteFileAsync(roomId, fileId, ct);
    }
}
