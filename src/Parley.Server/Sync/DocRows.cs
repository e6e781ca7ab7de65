using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Protocol;
using Parley.Server.Rooms;

namespace Parley.Server.Sync;

/// <summary>One encrypted Yjs update, in the room's order.</summary>
public sealed class DocUpdateRow
{
    public required string RoomId { get; init; }
    public long Seq { get; init; }
    public required string SenderId { get; init; }
    public int Epoch { get; init; }
    public required byte[] Iv { get; init; }
    public required byte[] Ciphertext { get; init; }
    public DateTime CreatedAt { get; init; }

    public StoredUpdate ToWire() => new(Seq, SenderId, new Envelope(Epoch, Iv, Ciphertext));
}

/// <summary>The room's newest encrypted snapshot; it replaces every update up to UpToSeq.</summary>
public sealed class DocSnapshotRow
{
    public required string RoomId { get; init; }
    public long UpToSeq { get; set; }
    public required string SenderId { get; set; }
    public int Epoch { get; set; }
    public required byte[] Iv { get; set; }
    public required byte[] Ciphertext { get; set; }
    public DateTime CreatedAt { get; set; }

    public StoredSnapshot ToWire() => new(UpToSeq, SenderId, new Envelope(Epoch, Iv, Ciphertext));
}

sealed class DocRowConfiguration : IEntityTypeConfiguration<DocUpdateRow>, IEntityTypeConfiguration<DocSnapshotRow>
{
    public void Configure(EntityTypeBuilder<DocUpdateRow> update)
    {
        update.HasKey(u => new { u.RoomId, u.Seq });
        update.Property(u => u.RoomId).HasMaxLength(32);
        update.Property(u => u.SenderId).HasMaxLength(32);
        update.HasOne<Room>().WithMany().HasForeignKey(u => u.RoomId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<DocSnapshotRow> snapshot)
    {
        snapshot.HasKey(s => s.RoomId);
        snapshot.Property(s => s.RoomId).HasMaxLength(32);
        snapshot.Property(s => s.SenderId).HasMaxLength(32);
        snapshot.HasOne<Room>().WithOne().HasForeignKey<DocSnapshotRow>(s => s.RoomId).OnDelete(DeleteBehavior.Cascade);
    }
}
