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

    readonly OutboxFile file;
    readonly Lock gate = new();
    // Pending entries by id: where their latest frame starts and its size.
    readonly SortedDictionary<long, (long Offset, long Bytes)> pending = [];
    // The same update bytes or chat id again (a caller's retry, or the replay) is the same entry, not a second one.
    readonly Dictionary<string, long> byContent = [];
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

    /// <summary>The pending entries in the order they were first kept, except those on their way now.</summary>
    public IReadOnlyList<PendingEntry> Pending()
    {
        lock (gate)
            return [.. pending.Where(p => !inFlight.ContainsKey(p.Key)).Select(p => (PendingEntry)OutboxRecords.Read(file.Read(p.Value.Offset)))];
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
        var key = "u:" + Convert.ToBase64String(SHA256.HashData(plaintext));
        lock (gate)
        {
            if (closed) return new Kept(null, 0, sealedNow);
            if (byContent.TryGetValue(key, out var id)
                && OutboxRecords.Read(file.Read(pending[id].Offset)) is PendingUpdate kept
                && kept.SealedFor == sender && kept.Envelope.Epoch == sealedNow.Epoch)
                return Take(id, kept.Envelope);
            var entry = new PendingUpdate(byContent.TryGetValue(key, out var existing) ? existing : nextId++, plaintext, sender, sealedNow, afterSeq);
            return Take(Write(entry, key), sealedNow);
        }
    }

    /// <summary>Keeps a chat message before it is sent; a message pending under the same id already is that entry.</summary>
    public Kept KeepChat(string clientMessageId, byte[] plaintext)
    {
        var key = "c:" + clientMessageId;
        lock (gate)
        {
            if (closed) return new Kept(null, 0, null);
            if (!byContent.TryGetValue(key, out var id)) id = Write(new PendingChat(nextId++, clientMessageId, plaintext), key);
            return Take(id, null);
        }
    }

    /// <summary>Acknowledged (or found landed): the entry is finished. Not fsynced: a finish lost to a crash only
    /// makes the next join look again, and it finds the update in the log and the server keeps one copy per chat id.</summary>
    public void Done(long id)
    {
        lock (gate)
        {
            if (closed || ForgetsDone || !pending.Remove(id, out var frame)) return;
            foreach (var (key, _) in byContent.Where(p => p.Value == id).ToList()) byContent.Remove(key);
            var offset = file.Append(OutboxRecords.Done(id), durable: false);
            deadBytes += frame.Bytes + (file.Length - offset);
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

    long Write(PendingEntry entry, string key)
    {
        var offset = file.Append(OutboxRecords.Entry(entry), durable: true);
        if (pending.TryGetValue(entry.Id, out var replaced)) deadBytes += replaced.Bytes;
        pending[entry.Id] = (offset, file.Length - offset);
        byContent[key] = entry.Id;
        return entry.Id;
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
        var keys = new Dictionary<long, string>();
        foreach (var (offset, plaintext) in frames)
        {
            switch (OutboxRecords.Read(plaintext))
            {
                case OutboxMembership m: (Membership, membershipFrame) = (m, (offset, 0)); break;
                case PendingUpdate u: (pending[u.Id], keys[u.Id]) = ((offset, 0), "u:" + Convert.ToBase64String(SHA256.HashData(u.Plaintext))); break;
                case PendingChat c: (pending[c.Id], keys[c.Id]) = ((offset, 0), "c:" + c.ClientMessageId); break;
                case long done: pending.Remove(done); break;
            }
            nextId = Math.Max(nextId, pending.Keys.LastOrDefault() + 1);
        }
        foreach (var id in pending.Keys) byContent[keys[id]] = id;
        // Rewritten small at once: finished entries of the last run leave the file before this one adds to it.
        Compact();
    }

    void Compact()
    {
        var live = pending.Keys.ToList();
        var frames = live.Select(id => pending[id].Offset).ToList();
        if (membershipFrame is { } m) frames.Add(m.Offset);
        var moved = file.Rewrite(frames);
        for (var i = 0; i < live.Count; i++) pending[live[i]] = moved[i];
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
