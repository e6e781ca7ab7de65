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
public sealed record Catchup(DocEntry? Snapshot, IReadOnlyList<DocEntry> Updates, long CiphertextBytes)
{
    /// <summary>What the outbox file held from an earlier run, now on the server (see <see cref="RoomSession.JoinAsync"/>).</summary>
    public OutboxResent Resent { get; init; } = OutboxResent.None;
}

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

    RoomSession(HubConnection connection, string roomId, RoomSecrets secrets, DeviceIdentity device, Reconnection reconnection)
    {
        Connection = connection;
        RoomId = roomId;
        keys = new SessionKeys(roomId, device, secrets);
        this.reconnection = reconnection;
        Wire(connection);
    }

    /// <summary>Every event of the room on this connection (the first, or one a resume made).</summary>
    void Wire(HubConnection connection)
    {
        connection.Closed += error => OnClosed(connection, error);
        OnKeyEvents(connection);
        OnFileEvents(connection);
        connection.On<string, StoredUpdate[]>(HubNames.DocUpdates, OnDocUpdates);
        connection.On<string, string, Envelope>(HubNames.Awareness, (room, sender, envelope) =>
        {
            if (room == RoomId) AwarenessReceived?.Invoke(sender, Decrypt(EnvelopeKind.Awareness, sender, envelope));
        });
        connection.On<string, StoredChat>(HubNames.Chat, OnChat);
        connection.On<string, string, bool>(HubNames.Typing, (room, member, typing) => { if (room == RoomId) TypingChanged?.Invoke(member, typing); });
        connection.On<string, string>(HubNames.MemberKicked, (room, member) =>
        {
            if (room != RoomId) return;
            if (member == MemberId) ended = true; // closed for good: nothing to resume
            MemberKicked?.Invoke(member);
        });
        connection.On<string, bool>(HubNames.RoomProtectionChanged, (room, on) =>
        {
            if (room != RoomId) return;
            PasswordProtected = on;
            ProtectionChanged?.Invoke(on);
        });
        connection.On<string, JoinRequestInfo>(HubNames.JoinRequested, (room, request) => { if (room == RoomId) JoinRequested?.Invoke(request); });
        connection.On<string, bool>(HubNames.JoinDecided, (room, admitted) => { if (room == RoomId) JoinDecided?.Invoke(admitted); });
        connection.On<string>(HubNames.Terminated, room =>
        {
            if (room != RoomId) return;
            ended = true;
            Terminated?.Invoke();
        });
        connection.On<string, string>(HubNames.MemberJoined, (room, member) => { if (room == RoomId) MemberJoined?.Invoke(member); });
        connection.On<string, string>(HubNames.MemberLeft, (room, member) => { if (room == RoomId) MemberLeft?.Invoke(member); });
    }

    /// <summary>The raw hub connection, for calls this class does not wrap (and for tests of bad input);
    /// a new one after an automatic resume.</summary>
    public HubConnection Connection { get; private set; }
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

    /// <summary>Highest seq up to which this session has seen every update (delivered, caught up, or its own push).</summary>
    public long LastSeq => order.Delivered;

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
}
