using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Protocol;

namespace Parley.Client.Outbox;

/// <summary>Something sent but not yet acknowledged, as the outbox file holds it.</summary>
abstract record PendingEntry(long Id);

/// <summary>A doc update, with the envelope it went out in (its iv finds it in the log if it landed) and the
/// seq the session had reached then (the log after it is where to look).</summary>
sealed record PendingUpdate(long Id, byte[] Plaintext, string SealedFor, Envelope Envelope, long AfterSeq) : PendingEntry(Id);

/// <summary>A chat message under the id it was first sent with: the server keeps one copy per sender and id.
/// <see cref="Renumbered"/> for one that must go under a new id (a later one of its stream went first).</summary>
sealed record PendingChat(long Id, string ClientMessageId, byte[] Plaintext) : PendingEntry(Id)
{
    public const string Renumbered = "";

    public bool IsRenumbered => ClientMessageId == Renumbered;
}

/// <summary>Who sent the pending entries: the next process joins as the same member, on the same device,
/// so the server's dedup (per sender) holds and the member's grants still open.</summary>
sealed record OutboxMembership(MemberCredentials Credentials, byte[] WrapPkcs8, byte[] SignPkcs8)
{
    public DeviceIdentity Device() => DeviceIdentity.FromPkcs8(WrapPkcs8, SignPkcs8);
}

/// <summary>The frames' plaintext: a kind byte, then the fields in order (BinaryWriter's length-prefixed strings and arrays).</summary>
static class OutboxRecords
{
    enum Kind : byte { Membership = 1, Update = 2, Chat = 3, Done = 4 }

    public static byte[] Membership(OutboxMembership m) => Write(Kind.Membership, w =>
    {
        w.Write(m.Credentials.MemberId);
        Bytes(w, m.Credentials.MemberToken);
        Bytes(w, m.WrapPkcs8);
        Bytes(w, m.SignPkcs8);
    });

    public static byte[] Entry(PendingEntry entry) => entry switch
    {
        PendingUpdate u => Write(Kind.Update, w =>
        {
            w.Write(u.Id);
            Bytes(w, u.Plaintext);
            w.Write(u.SealedFor);
            w.Write(u.Envelope.Epoch);
            Bytes(w, u.Envelope.Iv);
            Bytes(w, u.Envelope.Ciphertext);
            w.Write(u.AfterSeq);
        }),
        PendingChat c => Write(Kind.Chat, w =>
        {
            w.Write(c.Id);
            w.Write(c.ClientMessageId);
            Bytes(w, c.Plaintext);
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(entry)),
    };

    public static byte[] Done(long id) => Write(Kind.Done, w => w.Write(id));

    /// <summary>One of: <see cref="OutboxMembership"/>, <see cref="PendingEntry"/>, or the id of an entry done (a boxed long).</summary>
    public static object Read(byte[] plaintext)
    {
        using var r = new BinaryReader(new MemoryStream(plaintext));
        return (Kind)r.ReadByte() switch
        {
            Kind.Membership => new OutboxMembership(new MemberCredentials(r.ReadString(), Bytes(r)), Bytes(r), Bytes(r)),
            Kind.Update => new PendingUpdate(r.ReadInt64(), Bytes(r), r.ReadString(), new Envelope(r.ReadInt32(), Bytes(r), Bytes(r)), r.ReadInt64()),
            Kind.Chat => new PendingChat(r.ReadInt64(), r.ReadString(), Bytes(r)),
            Kind.Done => r.ReadInt64(),
            var kind => throw new InvalidDataException($"Unknown outbox record {kind}."),
        };
    }

    static byte[] Write(Kind kind, Action<BinaryWriter> fields)
    {
        var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer))
        {
            w.Write((byte)kind);
            fields(w);
        }
        return buffer.ToArray();
    }

    static void Bytes(BinaryWriter w, byte[] bytes)
    {
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    static byte[] Bytes(BinaryReader r) => r.ReadBytes(r.ReadInt32());
}
