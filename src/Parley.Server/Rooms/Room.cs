using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.Storage;

namespace Parley.Server.Rooms;

/// <summary>A room as the server knows it: ids, counters and a join verifier; nothing readable.</summary>
public sealed class Room
{
    public required string Id { get; init; }
    public DateTime CreatedAt { get; init; }

    /// <summary>When a member last joined or acted, written at most about once a minute (RoomLiveness); the room expires when this grows old.</summary>
    public DateTime LastActiveAt { get; set; }

    /// <summary>SHA-256 of the join key derived from the current link secret (replaced when the link is renewed).</summary>
    public required byte[] JoinVerifier { get; set; }

    /// <summary>SHA-256 of the token the creating browser got; presenting it on join makes the creator.</summary>
    public byte[]? CreatorTokenHash { get; init; }

    /// <summary>The member who created the room (null until they have joined).</summary>
    public string? CreatorId { get; set; }

    /// <summary>When on, new members wait until the creator admits them.</summary>
    public bool LobbyEnabled { get; set; }

    /// <summary>Salted PBKDF2 hash of the room password (ASP.NET Core Identity's format); null = open.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Current key epoch; -1 until the creator's browser has made the first key.</summary>
    public int Epoch { get; set; } = -1;

    /// <summary>Whether joiners are granted the keys of earlier epochs too.</summary>
    public bool HistoryVisible { get; set; } = true;

    /// <summary>Set by a kick or a departure: some keyed member should move the room to the next epoch.</summary>
    public bool RotationDue { get; set; }

    /// <summary>When the current epoch began; with <see cref="EpochEnvelopes"/> it says when a key is old (Keys.KeyAgeing).</summary>
    public DateTime EpochStartedAt { get; set; }

    /// <summary>Doc updates and chat messages stored under the current epoch (the writers count them as they number them).</summary>
    public long EpochEnvelopes { get; set; }

    /// <summary>When the key-ageing sweep last asked a member to rotate the old current epoch (or found nobody
    /// keyed online to ask), and whom it asked last (null: nobody yet).</summary>
    public DateTime? RotationAskedAt { get; set; }

    public string? RotationAskedOf { get; set; }

    /// <summary>The current link secret, encrypted under the current epoch (kind room-link).</summary>
    public StoredEnvelope? Link { get; set; }

    /// <summary>The room's custom name, encrypted (kind room-meta); null when it has none.</summary>
    public StoredEnvelope? Meta { get; set; }

    /// <summary>Highest doc-update sequence number handed out.</summary>
    public long LatestSeq { get; set; }

    /// <summary>Highest sequence number covered by the stored snapshot (0 = none).</summary>
    public long SnapshotSeq { get; set; }

    /// <summary>Highest chat sequence number handed out.</summary>
    public long ChatLatestSeq { get; set; }

    public int UpdatesSinceSnapshot { get; set; }
    public long BytesSinceSnapshot { get; set; }

    /// <summary>Ciphertext bytes of the stored snapshot and of the pending one (if any); with BytesSinceSnapshot
    /// they count against Parley:MaxRoomLogBytes.</summary>
    public long SnapshotBytes { get; set; }

    /// <summary>Highest sequence number the pending snapshot covers (0 = none waits): the writer sees it
    /// on every push without another read, and asks for a confirmation while it is set.</summary>
    public long PendingSnapshotSeq { get; set; }

    /// <summary>Ciphertext bytes of every stored chat message (nothing compacts chat; see docs/configuration.md).</summary>
    public long ChatBytes { get; set; }
}

public sealed class Member
{
    public required string Id { get; init; }
    public required string RoomId { get; init; }

    /// <summary>SHA-256 of the member token that lets a browser resume as this member.</summary>
    public required byte[] TokenHash { get; init; }

    public DateTime JoinedAt { get; init; }

    /// <summary>When the member was last known connected (its joins, and sweeps that found it online); away
    /// longer than Parley:Keys:DropAwayAfter, it is no longer kept in the keys (Keys.KeyAgeing).</summary>
    public DateTime LastSeenAt { get; set; }

    public MemberAdmission Admission { get; set; }

    /// <summary>The joiner's encrypted name and colour (kind member-profile), relayed to the creator unread.</summary>
    public StoredEnvelope? Profile { get; set; }

    /// <summary>Set when the creator removed this member; the row stays so the ban holds.</summary>
    public DateTime? KickedAt { get; set; }

    /// <summary>The account this member joined with (set once, see Accounts.MemberAccounts); null for a guest.</summary>
    public string? UserId { get; set; }

    /// <summary>Set when the member left the room for good (LeaveRoom).</summary>
    public DateTime? DepartedAt { get; set; }

    /// <summary>The member's device keys (SPKI DER) and its proof of holding the link, as it joined.</summary>
    public byte[]? WrapKey { get; set; }
    public byte[]? SignKey { get; set; }
    public byte[]? LinkProof { get; set; }

    /// <summary>Admitted, not kicked, not departed: the members a room's keys are for.</summary>
    public static readonly Expression<Func<Member, bool>> IsCurrent =
        m => m.Admission == MemberAdmission.Admitted && m.KickedAt == null && m.DepartedAt == null;
}

/// <summary>Where a member stands with the room's lobby.</summary>
public enum MemberAdmission
{
    Admitted = 0,
    Waiting = 1,
    Refused = 2,
}

/// <summary>
/// What is left of a terminated or expired room, so its link can say why it is gone: a keyed hash of
/// its id (EndedRoomIds), never the id itself, until the tombstone retention has passed.
/// </summary>
public sealed class EndedRoom
{
    public required byte[] IdHash { get; init; }
    public DateTime EndedAt { get; init; }
    public RoomEndReason Reason { get; init; }
}

public enum RoomEndReason
{
    Terminated = 0,
    Expired = 1,
}

sealed class RoomConfiguration : IEntityTypeConfiguration<Room>, IEntityTypeConfiguration<Member>, IEntityTypeConfiguration<EndedRoom>
{
    public void Configure(EntityTypeBuilder<Room> room)
    {
        room.Property(r => r.Id).HasMaxLength(Ids.Length);
        room.Property(r => r.CreatorId).HasMaxLength(Ids.Length);
        room.Property(r => r.RotationAskedOf).HasMaxLength(Ids.Length);
        room.HasIndex(r => r.LastActiveAt);
        room.ComplexProperty(r => r.Link, link => link.HasEnvelopeColumns("Link"));
        room.ComplexProperty(r => r.Meta, meta => meta.HasEnvelopeColumns("Meta"));
    }

    public void Configure(EntityTypeBuilder<EndedRoom> ended)
    {
        ended.HasKey(r => r.IdHash);
        ended.HasIndex(r => r.EndedAt);
    }

    public void Configure(EntityTypeBuilder<Member> member)
    {
        member.Property(m => m.Id).HasMaxLength(Ids.Length);
        member.Property(m => m.RoomId).HasMaxLength(Ids.Length);
        member.ComplexProperty(m => m.Profile, profile => profile.HasEnvelopeColumns("Profile"));
        member.HasIndex(m => m.RoomId);
        member.HasIndex(m => m.LastSeenAt); // the key-ageing sweep looks for members away too long
        member.HasOne<Room>().WithMany().HasForeignKey(m => m.RoomId).OnDelete(DeleteBehavior.Cascade);
    }
}
