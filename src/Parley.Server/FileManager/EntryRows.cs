using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Protocol;
using Parley.Server.Files;
using Parley.Server.Rooms;
using Parley.Server.Storage;

namespace Parley.Server.FileManager;

/// <summary>A file or folder of the room's file manager: ids, sizes, times and its encrypted file-meta; never a name.</summary>
public sealed class EntryRow
{
    public required string RoomId { get; init; }
    public required string EntryId { get; init; }

    /// <summary>The completed upload holding the current version; null for a folder.</summary>
    public string? FileId { get; set; }

    /// <summary>1 for a new entry, one more for each new file; optimistic concurrency checks it.</summary>
    public int Version { get; set; }

    /// <summary>Plaintext bytes of the current file (0 for a folder).</summary>
    public long Size { get; set; }

    public required string UploaderId { get; init; }

    /// <summary>Who wrote the current meta (its envelope's sender) and, with it, the last change.</summary>
    public required string UpdatedBy { get; set; }

    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }

    public required StoredEnvelope Meta { get; set; }

    public Entry ToWire() => new(EntryId, FileId, Version, Size, UploaderId, UpdatedBy, UnixTime.Milliseconds(CreatedAt), UnixTime.Milliseconds(UpdatedAt),
        Meta.ToWire());
}

/// <summary>One line of a room's activity log, numbered per room: who did what, when. Metadata only.</summary>
public sealed class ActivityRow
{
    public required string RoomId { get; init; }
    public long Seq { get; init; }
    public DateTime At { get; init; }
    public required string MemberId { get; init; }
    public required string Action { get; init; }
    public string? EntryId { get; init; }
    public string? FileId { get; init; }

    public ActivityEvent ToWire() => new(Seq, UnixTime.Milliseconds(At), MemberId, Action, EntryId, FileId);
}

sealed class FileManagerConfiguration : IEntityTypeConfiguration<EntryRow>, IEntityTypeConfiguration<ActivityRow>
{
    public void Configure(EntityTypeBuilder<EntryRow> entry)
    {
        entry.ToTable("Entries");
        entry.HasKey(e => new { e.RoomId, e.EntryId });
        entry.Property(e => e.RoomId).HasMaxLength(Ids.Length);
        entry.Property(e => e.EntryId).HasMaxLength(Ids.Length);
        entry.Property(e => e.FileId).HasMaxLength(Ids.Length);
        entry.Property(e => e.UploaderId).HasMaxLength(Ids.Length);
        entry.Property(e => e.UpdatedBy).HasMaxLength(Ids.Length);
        entry.Property(e => e.Version).IsConcurrencyToken();
        entry.ComplexProperty(e => e.Meta, meta => meta.HasEnvelopeColumns("Meta"));
        // One entry per upload: deleting or replacing an entry deletes its blob, which nothing else may hold.
        entry.HasIndex(e => e.FileId).IsUnique();
        entry.HasOne<Room>().WithMany().HasForeignKey(e => e.RoomId).OnDelete(DeleteBehavior.Cascade);
        // An entry never points at a file that is gone; the file API refuses to delete an entry's file.
        entry.HasOne<FileRow>().WithMany().HasForeignKey(e => e.FileId).OnDelete(DeleteBehavior.NoAction);
    }

    public void Configure(EntityTypeBuilder<ActivityRow> activity)
    {
        activity.ToTable("Activity");
        activity.HasKey(a => new { a.RoomId, a.Seq });
        activity.Property(a => a.RoomId).HasMaxLength(Ids.Length);
        activity.Property(a => a.MemberId).HasMaxLength(Ids.Length);
        activity.Property(a => a.Action).HasMaxLength(16);
        activity.Property(a => a.EntryId).HasMaxLength(Ids.Length);
        activity.Property(a => a.FileId).HasMaxLength(Ids.Length);
        activity.HasOne<Room>().WithMany().HasForeignKey(a => a.RoomId).OnDelete(DeleteBehavior.Cascade);
    }
}
