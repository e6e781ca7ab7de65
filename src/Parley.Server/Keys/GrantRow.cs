using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Protocol;
using Parley.Server.Rooms;
using Parley.Server.Storage;

namespace Parley.Server.Keys;

/// <summary>One epoch's room key wrapped for one member's device: opaque to the server.</summary>
public sealed class GrantRow
{
    public required string RoomId { get; init; }
    public int Epoch { get; init; }
    public required string MemberId { get; init; }
    public required string GranterId { get; init; }
    public required byte[] WrappedKey { get; init; }
    public required byte[] Signature { get; init; }

    public Grant ToGrant() => new(Epoch, MemberId, GranterId, WrappedKey, Signature);
}

sealed class GrantConfiguration : IEntityTypeConfiguration<GrantRow>
{
    public void Configure(EntityTypeBuilder<GrantRow> grant)
    {
        grant.ToTable("Grants");
        grant.HasKey(g => new { g.RoomId, g.Epoch, g.MemberId });
        grant.Property(g => g.RoomId).HasMaxLength(Ids.Length);
        grant.Property(g => g.MemberId).HasMaxLength(Ids.Length);
        grant.Property(g => g.GranterId).HasMaxLength(Ids.Length);
        grant.HasOne<Room>().WithMany().HasForeignKey(g => g.RoomId).OnDelete(DeleteBehavior.Cascade);
    }
}
