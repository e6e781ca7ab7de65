using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Protocol;
using Parley.Server.Rooms;
using Parley.Server.Storage;

namespace Parley.Server.Sync;

/// <summary>One encrypted Yjs update, in the room's order.</summary>
public sealed class DocUpdateRow
{
    public required string RoomId { get; init; }
    public long Seq { get; init; }
    public required string SenderId { get; init; }
    public required StoredEnvelope Envelope { get; init; }
    public DateTime CreatedAt { get; init; }

    public StoredUpdate ToWire() => new(Seq, SenderId, Envelope.ToWire());
}

/// <summary>An encrypted snapshot covering every update up to UpToSeq; the room's (confirmed) or a pending one.</summary>
public abstract class SnapshotRow
{
    public required string RoomId { get; init; }
    public long UpToSeq { get; set; }
    public required string SenderId { get; set; }
    public required StoredEnvelope Envelope { get; set; }
    public DateTime CreatedAt { get; set; }

    public void Take(long upToSeq, string senderId, StoredEnvelope envelope, DateTime at) =>
        (UpToSeq, SenderId, Envelope, CreatedAt) = (upToSeq, senderId, envelope, at);

    public StoredSnapshot ToWire() => new(UpToSeq, SenderId, Envelope.ToWire());
}

/// <summary>The room's newest confirmed snapshot; it replaced every update up to UpToSeq.</summary>
public sealed class DocSnapshotRow : SnapshotRow;

/// <summary>A member's snapshot that waits for another member's check before it replaces anything
/// (docs/protocol.md, "Vandal snapshots"); at most one per room, the newest.</summary>
public sealed class PendingSnapshotRow : SnapshotRow;

sealed class DocRowConfiguration : IEntityTypeConfiguration<DocUpdateRow>, IEntityTypeConfiguration<DocSnapshotRow>,
    IEntityTypeConfiguration<PendingSnapshotRow>
{
    public void Configure(EntityTypeBuilder<DocUpdateRow> update)
    {
        update.HasKey(u => new { u.RoomId, u.Seq });
        update.Property(u => u.RoomId).HasMaxLength(Ids.Length);
        update.Property(u => u.SenderId).HasMaxLength(Ids.Length);
        update.ComplexProperty(u => u.Envelope, envelope => envelope.HasEnvelopeColumns());
        update.HasOne<Room>().WithMany().HasForeignKey(u => u.RoomId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<DocSnapshotRow> snapshot) => ConfigureSnapshot(snapshot);

    public void Configure(EntityTypeBuilder<PendingSnapshotRow> pending) => ConfigureSnapshot(pending);

    /// <summary>One row per room at most, gone with the room.</summary>
    static void ConfigureSnapshot<T>(EntityTypeBuilder<T> snapshot) where T : SnapshotRow
    {
        snapshot.HasKey(s => s.RoomId);
        snapshot.Property(s => s.RoomId).HasMaxLength(Ids.Length);
        snapshot.Property(s => s.SenderId).HasMaxLength(Ids.Length);
        snapshot.ComplexProperty(s => s.Envelope, envelope => envelope.HasEnvelopeColumns());
        snapshot.HasOne<Room>().WithOne().HasForeignKey<T>(s => s.RoomId).OnDelete(DeleteBehavior.Cascade);
    }
}
