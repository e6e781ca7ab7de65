using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Protocol;
using Parley.Server.Rooms;
using Parley.Server.Storage;

namespace Parley.Server.Chat;

/// <summary>One encrypted chat message in its room's order.</summary>
public sealed class ChatMessageRow
{
    public required string RoomId { get; init; }
    public long Seq { get; set; }
    public required string SenderId { get; init; }

    /// <summary>The sender's id for this message, so a retried send is recognised, not stored twice.</summary>
    public required string ClientMessageId { get; init; }

    public DateTime SentAt { get; init; }
    public required StoredEnvelope Envelope { get; init; }

    public StoredChat ToWire() => new(Seq, SenderId, ClientMessageId, UnixTime.Milliseconds(SentAt), Envelope.ToWire());

    public ChatAck ToAck() => new(Seq, UnixTime.Milliseconds(SentAt));
}

sealed class ChatMessageConfiguration : IEntityTypeConfiguration<ChatMessageRow>
{
    public void Configure(EntityTypeBuilder<ChatMessageRow> message)
    {
        message.HasKey(m => new { m.RoomId, m.Seq });
        message.Property(m => m.RoomId).HasMaxLength(Ids.Length);
        message.Property(m => m.SenderId).HasMaxLength(Ids.Length);
        message.Property(m => m.ClientMessageId).HasMaxLength(64);
        message.ComplexProperty(m => m.Envelope, envelope => envelope.HasEnvelopeColumns());
        message.HasIndex(m => new { m.RoomId, m.SenderId, m.ClientMessageId }).IsUnique();
        message.HasOne<Room>().WithMany().HasForeignKey(m => m.RoomId).OnDelete(DeleteBehavior.Cascade);
    }
}
