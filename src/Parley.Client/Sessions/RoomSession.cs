using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Parley.Client.Crypto;
using Parley.Protocol;

namespace Parley.Client.Sessions;

/// <summary>A decrypted entry of the room's document log.</summary>
public sealed record DocEntry(long Seq, string Sender, byte[] Plaintext);

/// <summary>What a join delivered: the snapshot (if any) and the updates after it, decrypted.</summary>
public sealed record Catchup(DocEntry? Snapshot, IReadOnlyList<DocEntry> Updates, long CiphertextBytes);

/// <summary>A decrypted chat message.</summary>
public sealed record ChatEntry(long Seq, string Sender, string ClientMessageId, DateTimeOffset SentAt, byte[] Plaintext);

/// <summary>A room just created: its id, the link secret (never sent) and the creator's token.</summary>
public sealed record NewRoom(string RoomId, string LinkSecret, byte[] CreatorToken)
{
    public void Deconstruct(out string roomId, out string linkSecret) => (roomId, linkSecret) = (RoomId, LinkSecret);
}

/// <summary>Lets a client resume as the same member after a disconnect.</summary>
public sealed record MemberCredentials(string MemberId, byte[] MemberToken);

/// <summary>
/// One member's live connection to one room, speaking the same protocol and cryptography as the
/// browser: tests, benchmarks and tools act through this as real members.
/// </summary>
public sealed partial class RoomSession : IAsyncDisposable
{
    readonly SessionKeys keys;
    readonly SeqTracker seqs = new();

    RoomSession(HubConnection connection, string roomId, RoomSecrets secrets, DeviceIdentity device)
    {
        Connection = connection;
        RoomId = roomId;
        keys = new SessionKeys(roomId, device, secrets);
        OnKeyEvents(connection);
        OnFileEvents(connection);
        connection.On<string, StoredUpdate>(HubNames.DocUpdate, OnDocUpdate);
        connection.On<string, string, Envelope>(HubNames.Awareness, (room, sender, envelope) =>
        {
            if (room == RoomId) AwarenessReceived?.Invoke(sender, Decrypt(EnvelopeKind.Awareness, sender, envelope));
        });
        connection.On<string, StoredChat>(HubNames.Chat, OnChat);
        connection.On<string, string, bool>(HubNames.Typing, (room, member, typing) => { if (room == RoomId) TypingChanged?.Invoke(member, typing); });
        connection.On<string, string>(HubNames.MemberKicked, (room, member) => { if (room == RoomId) MemberKicked?.Invoke(member); });
        connection.On<string, bool>(HubNames.RoomProtectionChanged, (room, on) =>
        {
            if (room != RoomId) return;
            PasswordProtected = on;
            ProtectionChanged?.Invoke(on);
        });
        connection.On<string, JoinRequestInfo>(HubNames.JoinRequested, (room, request) => { if (room == RoomId) JoinRequested?.Invoke(request); });
        connection.On<string, bool>(HubNames.JoinDecided, (room, admitted) => { if (room == RoomId) JoinDecided?.Invoke(admitted); });
        connection.On<string>(HubNames.Terminated, room => { if (room == RoomId) Terminated?.Invoke(); });
        connection.On<string, string>(HubNames.MemberJoined, (room, member) => { if (room == RoomId) MemberJoined?.Invoke(member); });
        connection.On<string, string>(HubNames.MemberLeft, (room, member) => { if (room == RoomId) MemberLeft?.Invoke(member); });
    }

    /// <summary>The raw hub connection, for calls this class does not wrap (and for tests of bad input).</summary>
    public HubConnection Connection { get; }
    public string RoomId { get; }
    /// <summary>The current invite link's secrets (they follow a renewal).</summary>
    public RoomSecrets Secrets => keys.Secrets;
    public string MemberId { get; private set; } = "";
    public MemberCredentials Credentials { get; private set; } = new("", []);

    /// <summary>The room's current key epoch as this member knows it (-1: no key made yet).</summary>
    public int Epoch => keys.Epoch;

    /// <summary>This member's keys: held epochs, the directory, grants and rotations.</summary>
    public SessionKeys Keys => keys;

    /// <summary>The members online in the room (on any node), as of the join.</summary>
    public IReadOnlyList<string> Online { get; private set; } = [];

    /// <summary>Whether new members wait for the creator's approval, as of the join.</summary>
    public bool Lobby { get; private set; }

    /// <summary>True when this member waits in the lobby: nothing of the room is readable yet.</summary>
    public bool Waiting { get; private set; }

    /// <summary>For the creator: who was waiting in the lobby at the time of the join.</summary>
    public IReadOnlyList<JoinRequestInfo> JoinRequests { get; private set; } = [];

    /// <summary>Whether new members need a password, as of the join or the latest change.</summary>
    public bool PasswordProtected { get; private set; }

    /// <summary>The room creator's member id, as of the join.</summary>
    public string? CreatorId { get; private set; }

    /// <summary>What the server's policy lets this member do (files, password), as of the join.</summary>
    public MemberAbilities? Abilities { get; private set; }

    /// <summary>The server's idle expiry and when the room was last active, as of the join; null when not told.</summary>
    public (TimeSpan IdleExpiry, DateTimeOffset LastActiveAt)? Expiry { get; private set; }

    /// <summary>Highest seq up to which this session has seen every update.</summary>
    public long LastSeq => seqs.Contiguous;

    public event Action<DocEntry>? UpdateReceived;
    public event Action<StoredUpdate>? UndecryptableReceived;
    public event Action<string, byte[]>? AwarenessReceived;
    public event Action<string, bool>? TypingChanged;
    public event Action<string>? MemberKicked;
    public event Action? Terminated;
    public event Action<bool>? ProtectionChanged;
    public event Action<JoinRequestInfo>? JoinRequested;
    public event Action<bool>? JoinDecided;
    public event Action<string>? MemberJoined;
    public event Action<string>? MemberLeft;

    /// <summary>Creates a room on the server; the link secret never leaves this process.</summary>
    /// <param name="captcha">A guest's solved captcha, when the server asks for one (Accounts.AccountClient solves it).</param>
    public static async Task<NewRoom> CreateRoomAsync(HttpClient http, CancellationToken ct = default, CaptchaSolution? captcha = null)
    {
        var linkSecret = RoomSecrets.NewLinkSecret();
        var verifier = RoomSecrets.FromLinkSecret(linkSecret).JoinVerifier;
        using var response = await http.PostAsJsonAsync("/api/rooms", new { joinVerifier = verifier, captcha }, ct);
        await HttpProblems.EnsureSuccessAsync(response, ct);
        var created = await response.Content.ReadFromJsonAsync<CreatedRoom>(ct);
        return new NewRoom(created!.RoomId, linkSecret, Base64Url.Decode(created.CreatorToken));
    }

    sealed record CreatedRoom(string RoomId, string CreatorToken);

    /// <summary>
    /// WebSockets only, without the negotiate request: the one WebSocket request is the whole
    /// connection, so behind a load balancer with several nodes no sticky sessions are needed
    /// (a negotiate answered by one node and a connect sent to another would fail).
    /// </summary>
    /// <param name="cookies">An account's cookies (Accounts.AccountClient): the server then knows the member signed in.</param>
    /// <param name="localAddress">The local address to connect from: on one machine, 127.0.0.2 and
    /// its neighbours look to a server on 127.0.0.1 like other clients (tests of per-address limits).</param>
    public static HubConnection Connect(Uri server, CookieContainer? cookies = null, IPAddress? localAddress = null) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(server, HubNames.Path), o =>
            {
                o.SkipNegotiation = true;
                o.Transports = HttpTransportType.WebSockets;
                o.Cookies = cookies ?? o.Cookies;
                if (localAddress is not null) FromAddress(o, localAddress);
            })
            .AddMessagePackProtocol()
            .Build();

    static void FromAddress(Microsoft.AspNetCore.Http.Connections.Client.HttpConnectionOptions options, IPAddress localAddress)
    {
        var handler = new SocketsHttpHandler
        {
            CookieContainer = options.Cookies,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(localAddress, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        options.HttpMessageHandlerFactory = _ => handler;
        options.WebSocketFactory = async (context, ct) =>
        {
            var socket = new System.Net.WebSockets.ClientWebSocket();
            await socket.ConnectAsync(context.Uri, new HttpMessageInvoker(handler, disposeHandler: false), ct);
            return socket;
        };
    }

    /// <summary>Connects, joins and downloads the log after <paramref name="sinceSeq"/>.</summary>
    /// <param name="device">This member's device; by default the one identity of this process.</param>
    /// <param name="waitForKey">Wait until some member has granted the current key before reading the log.</param>
    public static async Task<(RoomSession Session, Catchup Catchup)> JoinAsync(Uri server, string roomId, string linkSecret,
        MemberCredentials? resume = null, long sinceSeq = 0, CancellationToken ct = default, byte[]? creatorToken = null,
        string? password = null, byte[]? profile = null, DeviceIdentity? device = null, bool waitForKey = true,
        CookieContainer? cookies = null, IPAddress? localAddress = null)
    {
        var session = new RoomSession(Connect(server, cookies, localAddress), roomId, RoomSecrets.FromLinkSecret(linkSecret),
            device ?? DeviceIdentity.ForThisProcess);
        try
        {
            await session.Connection.StartAsync(ct);
            var catchup = await session.JoinAsync(resume, sinceSeq, creatorToken, password, profile, waitForKey, ct);
            return (session, catchup);
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    async Task<Catchup> JoinAsync(MemberCredentials? resume, long sinceSeq, byte[]? creatorToken, string? password,
        byte[]? profile, bool waitForKey, CancellationToken ct)
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

        long bytes = 0;
        DocEntry? snapshot = null;
        if (result.Snapshot is { } s)
        {
            snapshot = new DocEntry(s.UpToSeq, s.Sender, Decrypt(EnvelopeKind.DocSnapshot, s.Sender, s.Envelope));
            bytes += s.Envelope.Ciphertext.Length;
        }
        seqs.Reset(snapshot?.Seq ?? sinceSeq);

        var updates = new List<DocEntry>();
        IReadOnlyList<StoredUpdate> page = result.Updates;
        var more = result.More;
        while (true)
        {
            foreach (var u in page)
            {
                updates.Add(new DocEntry(u.Seq, u.Sender, Decrypt(EnvelopeKind.DocUpdate, u.Sender, u.Envelope)));
                bytes += u.Envelope.Ciphertext.Length;
                seqs.Saw(u.Seq);
            }
            if (!more || page.Count == 0) break;
            var next = await Connection.InvokeAsync<UpdatePage>(HubNames.FetchUpdates, RoomId, page[^1].Seq, ct);
            (page, more) = (next.Updates, next.More);
        }
        return new Catchup(snapshot, updates, bytes);
    }

    public async Task<PushResult> PushUpdateAsync(byte[] plaintext, CancellationToken ct = default)
    {
        var result = await Connection.InvokeAsync<PushResult>(HubNames.PushDocUpdate, RoomId,
            Encrypt(EnvelopeKind.DocUpdate, plaintext), ct);
        seqs.Saw(result.Seq);
        return result;
    }

    /// <summary>
    /// Fetches from the room's log the updates after <see cref="LastSeq"/> that this session has not
    /// seen, as the browser's gap filler does: through several nodes, a live update can be missing
    /// (one a node committed but died before fanning out). Each comes through <see cref="UpdateReceived"/> once.
    /// </summary>
    /// <returns>How many missing updates it delivered.</returns>
    public async Task<int> FillGapsAsync(CancellationToken ct = default)
    {
        var (filled, after) = (0, LastSeq);
        while (true)
        {
            var page = await Connection.InvokeAsync<UpdatePage>(HubNames.FetchUpdates, RoomId, after, ct);
            foreach (var update in page.Updates.Where(u => !seqs.Has(u.Seq)))
            {
                OnDocUpdate(RoomId, update);
                filled++;
            }
            if (!page.More || page.Updates.Count == 0) return filled;
            after = page.Updates[^1].Seq;
        }
    }

    public Task PushSnapshotAsync(long upToSeq, byte[] plaintext, CancellationToken ct = default) =>
        Connection.InvokeAsync(HubNames.PushSnapshot, RoomId, upToSeq, Encrypt(EnvelopeKind.DocSnapshot, plaintext), ct);

    /// <summary>The member's snapshot waiting for confirmation, if any (docs/protocol.md, "Vandal snapshots").</summary>
    public Task<PendingSnapshot?> FetchPendingSnapshotAsync(CancellationToken ct = default) =>
        Connection.InvokeAsync<PendingSnapshot?>(HubNames.FetchPendingSnapshot, RoomId, ct);

    /// <summary>Confirms a pending snapshot this client checked; false when it no longer waits.</summary>
    public Task<bool> ConfirmSnapshotAsync(StoredSnapshot pending, CancellationToken ct = default) =>
        Connection.InvokeAsync<bool>(HubNames.ConfirmSnapshot, RoomId, pending.UpToSeq, pending.Sender,
            SHA256.HashData(pending.Envelope.Ciphertext), ct);

    public byte[] OpenSnapshot(StoredSnapshot snapshot) => Decrypt(EnvelopeKind.DocSnapshot, snapshot.Sender, snapshot.Envelope);

    public Task PushAwarenessAsync(byte[] plaintext, CancellationToken ct = default) =>
        Connection.InvokeAsync(HubNames.PushAwareness, RoomId, Encrypt(EnvelopeKind.Awareness, plaintext), ct);

    /// <summary>Removes a member and, as the browser does, moves the room to a new key and a new link at once.</summary>
    public async Task KickAsync(string memberId, CancellationToken ct = default, bool rotate = true)
    {
        await Connection.InvokeAsync(HubNames.Kick, RoomId, memberId, ct);
        keys.Forget(memberId);
        if (rotate) await RotateAsync(renewLink: true, ct);
    }

    public Task SetRoomPasswordAsync(string? password, CancellationToken ct = default) =>
        Connection.InvokeAsync(HubNames.SetRoomPassword, RoomId, password, ct);

    public Task SetLobbyAsync(bool on, CancellationToken ct = default) => Connection.InvokeAsync(HubNames.SetLobby, RoomId, on, ct);

    public Task DecideJoinAsync(string memberId, bool admit, CancellationToken ct = default) =>
        Connection.InvokeAsync(HubNames.DecideJoin, RoomId, memberId, admit, ct);

    /// <summary>Reads a lobby guest's profile (their name), which only holders of the link can.</summary>
    public byte[] OpenProfile(Envelope profile) =>
        EnvelopeCipher.Decrypt(Secrets.LobbyKey, new EnvelopeContext(RoomId, EnvelopeKind.MemberProfile, profile.Epoch, ""), profile);

    public Task TerminateAsync(CancellationToken ct = default) => Connection.InvokeAsync(HubNames.Terminate, RoomId, ct);

    /// <summary>Attachments of this room, authenticated as this member.</summary>
    public Files.FileTransfer Files(HttpClient http) => new(http, RoomId, Credentials);

    /// <param name="messageId">Kind <c>chat</c> only: the message id it is bound to.</param>
    public Envelope Encrypt(string kind, byte[] plaintext, string? messageId = null)
    {
        var epoch = keys.Epoch;
        return EnvelopeCipher.Encrypt(keys.KeyFor(epoch), new EnvelopeContext(RoomId, kind, epoch, MemberId, messageId), plaintext);
    }

    public byte[] Decrypt(string kind, string sender, Envelope envelope, string? messageId = null) =>
        EnvelopeCipher.Decrypt(keys.KeyFor(envelope.Epoch), new EnvelopeContext(RoomId, kind, envelope.Epoch, sender, messageId), envelope);

    void OnDocUpdate(string roomId, StoredUpdate update)
    {
        if (roomId != RoomId) return;
        seqs.Saw(update.Seq);
        byte[] plaintext;
        try { plaintext = Decrypt(EnvelopeKind.DocUpdate, update.Sender, update.Envelope); }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or KeyNotFoundException)
        {
            // Not for this room, kind or sender, tampered with, or of an epoch this member holds no key for: never applied.
            UndecryptableReceived?.Invoke(update);
            return;
        }
        UpdateReceived?.Invoke(new DocEntry(update.Seq, update.Sender, plaintext));
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
