using System.Security.Cryptography;
using Parley.Client.Crypto;
using Parley.Protocol;

namespace Parley.Client.Sessions;

/// <summary>
/// One member's view of a room's keys (docs/protocol.md, "Keys"): the epoch keys it holds (only
/// from grants whose signatures check out), the member directory, the current link secret, and
/// how to grant and rotate. Thread-safe: hub events and calls arrive on different threads.
/// </summary>
public sealed class SessionKeys(string roomId, DeviceIdentity device, RoomSecrets secrets)
{
    readonly object gate = new();
    readonly RoomKeyRing ring = new();
    readonly Dictionary<string, MemberKeys> directory = new();
    // Signing keys of everyone who granted this member a key, current or not: their grants stay valid.
    readonly Dictionary<string, byte[]> signers = new();
    TaskCompletionSource keyed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Most links a room-link envelope remembers (the newest first).</summary>
    public const int MaxLinks = Limits.MaxLinkSecrets;

    public DeviceIdentity Device => device;

    /// <summary>The current link's secrets: from the page's link, then from each decrypted room-link.</summary>
    public RoomSecrets Secrets => links[0];

    // Every link the room has had, newest first (room-link carries them all): members who joined
    // through an older link proved themselves with that one.
    IReadOnlyList<RoomSecrets> links = [secrets];

    bool ProofHolds(MemberKeys member) => links.Any(l => KeyGrants.ProofHolds(l, roomId, member));

    public int Epoch { get; private set; } = -1;
    public string MemberId { get; set; } = "";
    public bool HistoryVisible { get; set; } = true;

    /// <summary>The room's custom name from room-meta, if it has one and this member can read it.</summary>
    public string? RoomName { get; private set; }

    public bool HasCurrentKey { get { lock (gate) return Epoch >= 0 && ring.Has(Epoch); } }
    public bool Has(int epoch) { lock (gate) return ring.Has(epoch); }
    public byte[] KeyFor(int epoch) { lock (gate) return ring.KeyFor(epoch); }

    /// <summary>Completes once this member holds the current epoch's key.</summary>
    public Task Keyed { get { lock (gate) return keyed.Task; } }

    public IReadOnlyList<MemberKeys> Directory { get { lock (gate) return directory.Values.ToList(); } }

    public void Learn(IEnumerable<MemberKeys> members)
    {
        lock (gate)
            foreach (var m in members)
            {
                directory[m.MemberId] = m;
                signers[m.MemberId] = m.SignKey;
            }
    }

    /// <summary>Signing keys of granters who may no longer be members.</summary>
    public void LearnSigners(IEnumerable<MemberKeys> granters)
    {
        lock (gate) foreach (var m in granters) signers[m.MemberId] = m.SignKey;
    }

    public void Forget(string memberId)
    {
        lock (gate) directory.Remove(memberId);
    }

    public byte[] LinkProof() => KeyGrants.LinkProof(Secrets, roomId, device.Keys);

    /// <summary>Moves to an epoch the server announced (join result or rotation).</summary>
    public void AtEpoch(int epoch)
    {
        lock (gate)
        {
            if (epoch <= Epoch) return;
            Epoch = epoch;
            if (ring.Has(epoch)) keyed.TrySetResult();
            else if (keyed.Task.IsCompleted) keyed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Takes in the grants meant for this member whose signatures verify.</summary>
    /// <returns>The grants refused (unknown granter, bad signature, key that does not unwrap).</returns>
    public IReadOnlyList<Grant> Accept(IEnumerable<Grant> grants)
    {
        var refused = new List<Grant>();
        foreach (var grant in grants.Where(g => g.MemberId == MemberId))
        {
            byte[]? signKey;
            lock (gate) signers.TryGetValue(grant.GranterId, out signKey);
            try
            {
                if (signKey is null) throw new CryptographicException("Unknown granter.");
                Add(grant.Epoch, KeyGrants.Open(device, roomId, grant, signKey));
            }
            catch (CryptographicException) { refused.Add(grant); }
        }
        return refused;
    }

    void Add(int epoch, byte[] key)
    {
        lock (gate) ring.Add(epoch, key);
        // The room's name and links first: whoever waits for the key reads them as soon as it is released.
        ReadHeldRoomEnvelopes();
        lock (gate) if (epoch == Epoch) keyed.TrySetResult();
    }

    /// <summary>The grants this member makes for a joiner whose link proof holds; none when it does not.</summary>
    public IReadOnlyList<Grant> GrantsFor(MemberKeys joiner)
    {
        if (joiner.MemberId == MemberId || !ProofHolds(joiner)) return [];
        lock (gate)
        {
            if (!ring.Has(Epoch)) return [];
            var epochs = HistoryVisible ? ring.Epochs.Where(e => e <= Epoch) : [Epoch];
            return epochs.Select(e => KeyGrants.Make(device, MemberId, roomId, e, joiner, ring.KeyFor(e))).ToList();
        }
    }

    /// <summary>A rotation to the next epoch granting every member in the directory whose proof holds (and this one).</summary>
    /// <returns>The rotation to send, and what to install once the server has accepted it.</returns>
    public (Rotation Rotation, Action Commit) Rotate(bool renewLink)
    {
        var next = Epoch + 1;
        var key = KeyGrants.NewRoomKey();
        var renewed = renewLink ? links.Prepend(RoomSecrets.FromLinkSecret(RoomSecrets.NewLinkSecret())).Take(MaxLinks).ToList() : links;
        var secrets = renewed[0];
        var members = Directory.Where(m => m.MemberId != MemberId && ProofHolds(m))
            .Append(new MemberKeys(MemberId, device.Keys.WrapKey, device.Keys.SignKey, []));
        var grants = members.Select(m => KeyGrants.Make(device, MemberId, roomId, next, m, key)).ToList();
        var link = EnvelopeCipher.Encrypt(key, new EnvelopeContext(roomId, EnvelopeKind.RoomLink, next, ""),
            renewed.SelectMany(l => l.LinkSecret).ToArray());
        var meta = RoomName is null ? null
            : EnvelopeCipher.Encrypt(key, new EnvelopeContext(roomId, EnvelopeKind.RoomMeta, next, ""), MetaPlaintext(RoomName));
        var rotation = new Rotation(next, grants, link, meta, renewLink ? SHA256.HashData(secrets.JoinKey) : null);
        return (rotation, () =>
        {
            Add(next, key);
            AtEpoch(next);
            links = renewed;
        });
    }

    // The newest room-level envelopes seen; read as soon as their epoch's key is here.
    Envelope? roomLink, roomMeta;

    /// <summary>Reads the room-level envelopes (the room's links, the custom name), now or once this member holds their key.</summary>
    public void ReadRoomEnvelopes(Envelope? link, Envelope? meta)
    {
        lock (gate)
        {
            if (link is not null) roomLink = link;
            if (meta is not null) roomMeta = meta;
        }
        ReadHeldRoomEnvelopes();
    }

    void ReadHeldRoomEnvelopes()
    {
        Envelope? link, meta;
        lock (gate) (link, meta) = (roomLink, roomMeta);
        if (link is not null && Has(link.Epoch))
        {
            var all = EnvelopeCipher.Decrypt(KeyFor(link.Epoch), new EnvelopeContext(roomId, EnvelopeKind.RoomLink, link.Epoch, ""), link);
            if (all.Length == 0 || all.Length % RoomSecrets.LinkSecretBytes != 0) throw new CryptographicException("Malformed room-link.");
            links = all.Chunk(RoomSecrets.LinkSecretBytes).Select(RoomSecrets.FromLinkSecret).ToList();
        }
        if (meta is not null && Has(meta.Epoch))
            RoomName = System.Text.Json.JsonDocument.Parse(
                EnvelopeCipher.Decrypt(KeyFor(meta.Epoch), new EnvelopeContext(roomId, EnvelopeKind.RoomMeta, meta.Epoch, ""), meta))
                .RootElement.GetProperty("name").GetString();
    }

    public Envelope SealMeta(string name) =>
        EnvelopeCipher.Encrypt(KeyFor(Epoch), new EnvelopeContext(roomId, EnvelopeKind.RoomMeta, Epoch, ""), MetaPlaintext(name));

    static byte[] MetaPlaintext(string name) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { name });
}
