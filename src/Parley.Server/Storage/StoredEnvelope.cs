using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Protocol;

namespace Parley.Server.Storage;

/// <summary>
/// An envelope (epoch, iv, ciphertext) as a row keeps it: opaque bytes the server stores and hands
/// back unread. Mapped as an EF complex type, a value object living in its owner's columns: an owned
/// entity type would give it a hidden key and identity it has no use for. The one place stored
/// envelopes meet the wire's <see cref="Envelope"/>.
/// </summary>
public sealed record StoredEnvelope(int Epoch, byte[] Iv, byte[] Ciphertext)
{
    public static StoredEnvelope From(Envelope envelope) => new(envelope.Epoch, envelope.Iv, envelope.Ciphertext);

    public Envelope ToWire() => new(Epoch, Iv, Ciphertext);
}

static class StoredEnvelopeMapping
{
    /// <summary>Columns {prefix}Epoch, {prefix}Iv and {prefix}Ciphertext in the owner's table.</summary>
    public static void HasEnvelopeColumns(this ComplexPropertyBuilder<StoredEnvelope> envelope, string prefix = "")
    {
        envelope.Property(e => e.Epoch).HasColumnName(prefix + nameof(StoredEnvelope.Epoch));
        envelope.Property(e => e.Iv).HasColumnName(prefix + nameof(StoredEnvelope.Iv));
        envelope.Property(e => e.Ciphertext).HasColumnName(prefix + nameof(StoredEnvelope.Ciphertext));
    }
}
