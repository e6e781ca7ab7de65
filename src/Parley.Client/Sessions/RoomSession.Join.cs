using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client.Crypto;
using Parley.Client.Outbox;
using Parley.Protocol;

namespace Parley.Client.Sessions;

// Joining: the first join hands its catch-up to the caller; a join again (RoomSession.Resume.cs)
// sends what it brings through the ordered path instead.
public sealed partial class RoomSession
{
    /// <summary>Connects, joins and downloads the log after <paramref name="sinceSeq"/>.</summary>
    /// <param name="device">This member's device; by default the one identity of this process.</param>
    /// <param name="waitForKey">Wait until some member has granted the current key before reading the log.</param>
    /// <param name="autoResume">When the connection closes (a node gone, a restart), connect and join again by
    /// itself, as the browser does (see <see cref="Reconnecting"/>).</param>
    /// <param name="outbox">Keep every update and message in this file until the server acknowledges it; what an
    /// earlier run left there is sent once now (<see cref="Catchup.Resent"/>). Its member is resumed, on the device
    /// it was, unless <paramref name="resume"/> names one (RoomSession.Outbox.cs).</param>
    public static async Task<(RoomSession Session, Catchup Catchup)> JoinAsync(Uri server, string roomId, string linkSecret,
        MemberCredentials? resume = null, long sinceSeq = 0, CancellationToken ct = default, byte[]? creatorToken = null,
        string? password = null, byte[]? profile = null, DeviceIdentity? device = null, bool waitForKey = true,
        CookieContainer? cookies = null, IPAddress? localAddress = null, bool autoResume = false,
        OutboxOptions? outbox = null)
    {
        var kept = outbox is null ? null : SessionOutbox.Open(outbox, roomId);
        if (resume is null && kept?.Membership is { } earlier) (resume, device) = (earlier.Credentials, earlier.Device());
        var session = new RoomSession(Connect(server, cookies, localAddress), roomId, RoomSecrets.FromLinkSecret(linkSecret),
            device ?? DeviceIdentity.ForThisProcess, new Reconnection(server, cookies, localAddress, password, autoResume)) { outbox = kept };
        try
        {
            await session.Connection.StartAsync(ct);
            var (snapshot, updates) = await session.JoinAsync(resume, sinceSeq, creatorToken, password, profile, waitForKey, ct);
            var catchup = session.FirstCatchup(snapshot, updates, sinceSeq);
            return (session, catchup with { Resent = await session.ResendOutboxAsync(ct) });
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    // The first join hands its catch-up to the caller; live updates past it go through UpdateReceived
    // (one that came during the join and is in the catch-up too is dropped there).
    Catchup FirstCatchup(StoredSnapshot? stored, IReadOnlyList<StoredUpdate> log, long sinceSeq)
    {
        var snapshot = stored is { } s ? new DocEntry(s.UpToSeq, s.Sender, Decrypt(EnvelopeKind.DocSnapshot, s.Sender, s.Envelope)) : null;
        var updates = log.Select(u => new DocEntry(u.Seq, u.Sender, Decrypt(EnvelopeKind.DocUpdate, u.Sender, u.Envelope))).ToList();
        var bytes = (stored?.Envelope.Ciphertext.Length ?? 0) + log.Sum(u => (long)u.Envelope.Ciphertext.Length);
        order.Skip(updates.Count > 0 ? updates[^1].Seq : snapshot?.Seq ?? sinceSeq);
        order.EndJoin();
        Drain();
        return new Catchup(snapshot, updates, bytes);
    }

    async Task<(StoredSnapshot? Snapshot, IReadOnlyList<StoredUpdate> Updates)> JoinAsync(MemberCredentials? resume, long sinceSeq,
        byte[]? creatorToken, string? password, byte[]? profile, bool waitForKey, CancellationToken ct)
    {
        // The joiner has no member id (nor room key) yet: a profile is sealed with the link's lobby key and names no sender.
        var profileEnvelope = profile is null ? null : EnvelopeCipher.Encrypt(Secrets.LobbyKey,
            new EnvelopeContext(RoomId, EnvelopeKind.MemberProfile, 0, ""), profile);
        var result = await Connection.InvokeAsync<JoinResult>(HubNames.JoinRoom,
            new JoinRequest(RoomId, Secrets.JoinKey, resume?.MemberId, resume?.MemberToken, sinceSeq, creatorToken, password,
                profileEnvelope, keys.Device.Keys, keys.LinkProof()), ct);
        PasswordProtected = result.PasswordProtected;
        Waiting = result.Waiting;
        Online = result.Online;
        Lobby = result.Lobby;
        JoinRequests = result.JoinRequests;
        MemberId = result.MemberId;
        CreatorId = result.CreatorId;
        Abilities = result.Abilities;
        Expiry = result is { IdleExpirySeconds: { } seconds, LastActiveAt: { } at }
            ? (TimeSpan.FromSeconds(seconds), DateTimeOffset.FromUnixTimeMilliseconds(at)) : null;
        Credentials = new MemberCredentials(result.MemberId, result.MemberToken);
        await TakeKeysAsync(result, waitForKey, ct);

        var updates = new List<StoredUpdate>();
        IReadOnlyList<StoredUpdate> page = result.Updates;
        var more = result.More;
        while (true)
        {
            updates.AddRange(page);
            if (!more || page.Count == 0) break;
            var next = await Connection.InvokeAsync<UpdatePage>(HubNames.FetchUpdates, RoomId, page[^1].Seq, ct);
            (page, more) = (next.Updates, next.More);
        }
        return (result.Snapshot, updates);
    }
}
