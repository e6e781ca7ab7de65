using System.Net.WebSockets;

namespace Parley.Bench.Peers;

/// <summary>
/// One member's WebSocket to a peer server, speaking y-protocols as a Yjs provider would: it asks
/// for the server's state (sync step 1), answers the server's step 1 with its own state (an empty
/// document: step 2), and reports every update it receives by its (client, clock) key. For
/// Hocuspocus every message carries the document's name first and the first one is the auth message.
/// </summary>
sealed class PeerConnection : IAsyncDisposable
{
    readonly ClientWebSocket socket = new();
    readonly SemaphoreSlim sending = new(1, 1); // ClientWebSocket allows one send at a time
    readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly byte[] prefix;
    readonly Action<int, long> updateReceived;
    Task receiving = Task.CompletedTask;

    PeerConnection(int member, byte[] prefix, Action<int, long> updateReceived)
    {
        Member = member;
        this.prefix = prefix;
        this.updateReceived = updateReceived;
    }

    public int Member { get; }

    /// <summary>What goes before every message: the document name for Hocuspocus, nothing for the others.</summary>
    public static byte[] PrefixFor(PeerSystem system, string room) => system == PeerSystem.Hocuspocus ? YFrames.VarString(room) : [];

    /// <summary>Connects and returns once the member holds the room's state (for the relay, which keeps none: once open).</summary>
    public static async Task<PeerConnection> OpenAsync(PeerSystem system, Uri server, string room, int member,
        Action<int, long> updateReceived, CancellationToken cancel)
    {
        var connection = new PeerConnection(member, PrefixFor(system, room), updateReceived);
        // y-websocket and the relay take the room from the path; Hocuspocus from each message's prefix.
        var uri = system == PeerSystem.Hocuspocus ? server : new Uri(server, room);
        await connection.socket.ConnectAsync(uri, cancel);
        connection.receiving = connection.ReceiveAsync();
        if (system == PeerSystem.Hocuspocus) await connection.SendAsync(YFrames.HocuspocusAuth(connection.prefix, token: ""));
        if (system == PeerSystem.Relay) connection.synced.TrySetResult();
        else await connection.SendAsync(YFrames.Step1(connection.prefix));
        await connection.synced.Task.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        return connection;
    }

    public async Task SendAsync(byte[] frame)
    {
        await sending.WaitAsync();
        try { await socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None); }
        finally { sending.Release(); }
    }

    async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close) break;
                if (result.EndOfMessage && message.Length == 0)
                {
                    await HandleAsync(buffer.AsMemory(0, result.Count));
                    continue;
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                await HandleAsync(message.ToArray());
                message.SetLength(0);
            }
        }
        catch (WebSocketException) { } // the server went away: the run's counts show what was lost
        catch (OperationCanceledException) { }
        synced.TrySetException(new InvalidOperationException($"member {Member}: the connection closed before it synced"));
    }

    Task HandleAsync(ReadOnlyMemory<byte> message)
    {
        var data = message.Span;
        var at = 0;
        if (prefix.Length > 0)
        {
            var nameLength = (int)YFrames.ReadVarUint(data, ref at);
            at += nameLength; // skip the document name
        }
        var type = YFrames.ReadVarUint(data, ref at);
        if (type != YFrames.MessageSync && type != YFrames.MessageSyncReply) return Task.CompletedTask; // awareness, auth, sync status
        switch ((int)YFrames.ReadVarUint(data, ref at))
        {
            case YFrames.SyncStep1:
                return SendAsync(YFrames.EmptyStep2(prefix));
            case YFrames.SyncStep2:
                synced.TrySetResult();
                break;
            case YFrames.SyncUpdate:
                var length = (int)YFrames.ReadVarUint(data, ref at);
                updateReceived(Member, YFrames.UpdateKey(data.Slice(at, length)));
                break;
        }
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, bounded.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or InvalidOperationException) { }
        await receiving.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        socket.Dispose();
    }
}
