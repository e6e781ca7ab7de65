using System.Security.Cryptography;
using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Protocol;

namespace Parley.Client.Outbox;

/// <summary>
/// One session's outbox file: an entry is on disk (fsynced) before it is handed to the server, and
/// marked done once acknowledged. Memory holds only where each pending entry sits in the file, never
/// its bytes. The file is append-only, because rewriting it on every push would cost the whole
/// backlog each time while offline; it is compacted (rewritten with the pending entries only) when
/// the frames of finished entries outweigh the pending ones, so it stays within about twice the
/// backlog plus <see cref="CompactAtBytes"/>.
/// </summary>
sealed class SessionOutbox : IDisposable
{
    const long CompactAtBytes = 64 * 1024;

    /// <summary>Where an entry's latest frame is, and what a second keep of the same entry would name it by.</summary>
    readonly record struct Slot(long Offset, long Bytes, string Key);

    readonly OutboxFile file;
    readonly Lock gate = new();
    readonly SortedDictionary<long, Slot> pending = [];
    // The same update bytes or chat id again (a caller's retry, or the replay) is the same entry, not a second one.
    readonly Dictionary<string, long> byKey = [];
    readonly PendingChatIds chatIds = new();
    // Entries being sent now, with how many calls send each (a retry can overlap the first try).
    readonly Dictionary<long, int> inFlight = [];
    (long Offset, long Bytes)? membershipFrame;
    long nextId = 1;
    long deadBytes;
    bool closed;

    SessionOutbox(OutboxFile file) => this.file = file;

    /// <summary>Test-only: acknowledgements are not written down, as when the process dies between the server's commit and the ack's record.</summary>
    internal bool ForgetsDone { get; set; }

    /// <summary>Who wrote the entries, as of the last join with this file; null before any.</summary>
    public OutboxMembership? Membership { get; private set; }

    public static SessionOutbox Open(OutboxOptions options, string roomId)
    {
        var file = OutboxFile.Open(options.Path, options.LoadKey(), roomId, out var frames);
        var outbox = new SessionOutbox(file);
        try
        {
            outbox.Load(frames);
            return outbox;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The pending entries in the order they were first kept, read one at a time (a backlog never sits
    /// in memory whole), except those on their way now and those finished meanwhile.</summary>
    public IEnumerable<PendingEntry> Pending()
    {
        List<long> ids;
        lock (gate) ids = [.. pending.Keys];
        foreach (var id in ids)
        {
            PendingEntry? entry;
            lock (gate) entry = closed || inFlight.ContainsKey(id) || !pending.TryGetValue(id, out var slot) ? null : Read(slot);
            if (entry is not null) yield return entry;
        }
    }

    /// <summary>Writes down who this session is, when it changed (a new member, a new device).</summary>
    public void Remember(MemberCredentials credentials, DeviceIdentity device)
    {
        lock (gate)
        {
            if (closed) return;
            var (wrap, sign) = device.ExportPkcs8();
            if (Membership is { } m && m.Credentials.MemberId == credentials.MemberId
                && m.Credentials.MemberToken.AsSpan().SequenceEqual(credentials.MemberToken)
                && m.WrapPkcs8.AsSpan().SequenceEqual(wrap) && m.SignPkcs8.AsSpan().SequenceEqual(sign)) return;
            var membership = new OutboxMembership(credentials, wrap, sign);
            var offset = file.Append(OutboxRecords.Membership(membership), durable: true);
            if (membershipFrame is { } old) deadBytes += old.Bytes;
            membershipFrame = (offset, file.Length - offset);
            Membership = membership;
        }
    }

    /// <summary>
    /// Keeps an update before it is pushed. The same bytes pending already are that entry: its envelope
    /// goes again if it is still sealed for this sender and epoch (the log then shows at most one landed
    /// copy), otherwise <paramref name="sealedNow"/> replaces it on disk first.
    /// </summary>
    public Kept KeepUpdate(byte[] plaintext, Envelope sealedNow, string sender, long afterSeq)
    {
        var key = UpdateKey(plaintext);
        lock (gate)
        {
            if (closed) return new Kept(null, 0, sealedNow);
            if (!byKey.TryGetValue(key, out var id)) id = nextId++;
            else if (Read(pending[id]) is PendingUpdate kept && kept.SealedFor == sender && kept.Envelope.Epoch == sealedNow.Epoch)
                return Take(id, kept.Envelope);
            Write(new PendingUpdate(id, plaintext, sender, sealedNow, afterSeq), key);
            return Take(id, sealedNow);
        }
    }

    /// <summary>Keeps a chat message before it is sent; a message pending under the same id already is that entry.</summary>
    public Kept KeepChat(string clientMessageId, byte[] plaintext)
    {
        var key = ChatKey(clientMessageId);
        lock (gate)
        {
            if (closed) return new Kept(null, 0, null);
            if (!byKey.TryGetValue(key, out var id)) Write(new PendingChat(id = nextId++, clientMessageId, plaintext), key);
            return Take(id, null);
        }
    }

    /// <summary>A renumbered message (see <see cref="Done"/>) takes the id it goes out with now, on disk first.</summary>
    public void Renumber(PendingChat chat, string clientMessageId)
    {
        lock (gate)
            if (!closed && pending.ContainsKey(chat.Id)) Write(chat with { ClientMessageId = clientMessageId }, ChatKey(clientMessageId));
    }

    /// <summary>
    /// Acknowledged (or found landed): the entry is finished. Not fsynced: a finish lost to a crash only
    /// makes the next join look again, and it finds the update in the log and the server keeps one copy
    /// per chat id. A message acknowledged makes the earlier ids of its stream still pending unsendable:
    /// receivers would refuse them as out of order, so they go out under a new id instead.
    /// </summary>
    public void Done(long id)
    {
        lock (gate)
        {
            if (closed || ForgetsDone || !pending.Remove(id, out var slot)) return;
            Forget(slot.Key);
            var offset = file.Append(OutboxRecords.Done(id), durable: false);
            deadBytes += slot.Bytes + (file.Length - offset);
            foreach (var earlier in chatIds.Below(slot.Key).Where(e => !inFlight.ContainsKey(e)))
                Write((PendingChat)Read(pending[earlier]) with { ClientMessageId = PendingChat.Renumbered }, $"c#{earlier}");
            if (deadBytes > Math.Max(CompactAtBytes, file.Length - deadBytes)) Compact();
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            closed = true;
            file.Dispose();
        }
    }

    static string UpdateKey(byte[] plaintext) => "u:" + Convert.ToBase64String(SHA256.HashData(plaintext));

    static string ChatKey(string clientMessageId) => "c:" + clientMessageId;

    PendingEntry Read(Slot slot) => (PendingEntry)OutboxRecords.Read(file.Read(slot.Offset));

    void Write(PendingEntry entry, string key)
    {
        var offset = file.Append(OutboxRecords.Entry(entry), durable: true);
        Index(entry.Id, new Slot(offset, file.Length - offset, key));
    }

    void Index(long id, Slot slot)
    {
        if (pending.TryGetValue(id, out var replaced))
        {
            deadBytes += replaced.Bytes;
            Forget(replaced.Key);
        }
        pending[id] = slot;
        byKey[slot.Key] = id;
        chatIds.Add(slot.Key, id);
    }

    void Forget(string key)
    {
        byKey.Remove(key);
        chatIds.Remove(key);
    }

    Kept Take(long id, Envelope? envelope)
    {
        inFlight[id] = inFlight.GetValueOrDefault(id) + 1;
        return new Kept(this, id, envelope);
    }

    void Release(long id)
    {
        lock (gate)
            if (inFlight.TryGetValue(id, out var calls) && calls > 1) inFlight[id] = calls - 1;
            else inFlight.Remove(id);
    }

    void Load(List<(long Offset, byte[] Plaintext)> frames)
    {
        foreach (var (offset, plaintext) in frames)
        {
            switch (OutboxRecords.Read(plaintext))
            {
                case OutboxMembership m: (Membership, membershipFrame) = (m, (offset, 0)); break;
                case PendingUpdate u: Index(u.Id, new Slot(offset, 0, UpdateKey(u.Plaintext))); break;
                case PendingChat c: Index(c.Id, new Slot(offset, 0, c.IsRenumbered ? $"c#{c.Id}" : ChatKey(c.ClientMessageId))); break;
                case long done when pending.Remove(done, out var slot): Forget(slot.Key); break;
            }
        }
        // Past every id still pending (finished ones leave the file in the compaction below).
        nextId = pending.Count == 0 ? 1 : pending.Keys.Max() + 1;
        // Rewritten small at once: finished entries of the last run leave the file before this one adds to it.
        Compact();
    }

    void Compact()
    {
        var live = pending.Keys.ToList();
        var frames = live.Select(id => pending[id].Offset).ToList();
        if (membershipFrame is { } m) frames.Add(m.Offset);
        var moved = file.Rewrite(frames);
        for (var i = 0; i < live.Count; i++) pending[live[i]] = pending[live[i]] with { Offset = moved[i].Offset, Bytes = moved[i].Bytes };
        if (membershipFrame is not null) membershipFrame = moved[^1];
        deadBytes = 0;
    }

    /// <summary>An entry on its way to the server: <see cref="Done"/> once acknowledged; disposing it lets a replay send it again.</summary>
    public sealed class Kept(SessionOutbox? outbox, long id, Envelope? envelope) : IDisposable
    {
        /// <summary>The envelope to send (a pending copy's, when it can go as it went before).</summary>
        public Envelope? Envelope { get; } = envelope;

        public void Done() => outbox?.Done(id);

        public void Dispose() => outbox?.Release(id);
    }
}
