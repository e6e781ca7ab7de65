using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client.Sessions;
using Parley.Testing;
using Parley.Testing.Cluster;

namespace Parley.Server.Tests;

/// <summary>Two nodes behind nginx with their own PostgreSQL and Redis, shared by the tests of a class that do not break it.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>As ServerFixture's: these tests are about rooms across nodes, not about limits.</summary>
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["Parley__HubCallsPerSecond"] = "100000",
        ["Parley__RoomsPerMinute"] = "100000",
        ["Parley__SignIn__PerAddressPerMinute"] = "100000",
        ["Parley__Hub__MaxConnectionsPerAddress"] = "100000",
    };

    public ParleyCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await ParleyCluster.StartAsync(extraSettings: Settings);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    public static async Task<NewRoom> NewRoomAsync(ParleyCluster cluster)
    {
        using var http = new HttpClient { BaseAddress = cluster.ProxyUri, Timeout = TimeSpan.FromSeconds(30) };
        return await RoomSession.CreateRoomAsync(http);
    }

    /// <summary>
    /// Joins at <paramref name="at"/> (a node or nginx). Bounded well under the client's key wait:
    /// a joiner on one node gets its key from a member on another only through the cluster, and a
    /// test of that should fail in seconds, not minutes.
    /// </summary>
    public static async Task<(RoomSession Session, Catchup Catchup)> JoinAsync(Uri at, NewRoom room, bool creator = false,
        MemberCredentials? resume = null, long sinceSeq = 0)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            return await RoomSession.JoinAsync(at, room.RoomId, room.LinkSecret, resume, sinceSeq, bound.Token,
                creatorToken: creator ? room.CreatorToken : null);
        }
        catch (OperationCanceledException e) when (bound.IsCancellationRequested)
        {
            throw new TimeoutException($"Joining at {at} took over 20 s: no member granted the key (is the key request reaching members on the other node?).", e);
        }
    }
}

/// <summary>
/// A member that pushes a steady, bounded stream of numbered updates ("name-k") and, when its
/// connection breaks or is closed by the server, rejoins as itself from its last seq, as the
/// browser does. It records what was acknowledged (seq → text) and every update it has seen.
/// </summary>
public sealed class SteadyMember : IAsyncDisposable
{
    readonly NewRoom room;
    readonly string name;
    RoomSession session;

    SteadyMember(NewRoom room, string name, Uri rejoinAt, RoomSession session, Catchup catchup)
    {
        (this.room, this.name, RejoinAt, this.session) = (room, name, rejoinAt, session);
        Attach(session, catchup);
    }

    /// <summary>Where it rejoins after its connection is gone (nginx, in a deployment).</summary>
    public Uri RejoinAt { get; set; }

    public RoomSession Session => session;
    public ConcurrentDictionary<long, string> Acknowledged { get; } = new();
    public ConcurrentDictionary<long, string> Seen { get; } = new();

    /// <summary>Seqs that arrived twice with different content: never allowed.</summary>
    public ConcurrentQueue<string> Conflicts { get; } = new();

    static readonly TimeSpan RetryPace = TimeSpan.FromMilliseconds(200);

    public int Rejoins;
    public int Filled;
    public int Refusals;
    public string? LastRefusal;

    public static async Task<SteadyMember> JoinAsync(Uri at, NewRoom room, string name, bool creator = false, Uri? rejoinAt = null)
    {
        var (session, catchup) = await ClusterFixture.JoinAsync(at, room, creator);
        return new SteadyMember(room, name, rejoinAt ?? at, session, catchup);
    }

    void Attach(RoomSession joined, Catchup catchup)
    {
        joined.UpdateReceived += e => Saw(e.Seq, Encoding.UTF8.GetString(e.Plaintext));
        foreach (var update in catchup.Updates) Saw(update.Seq, Encoding.UTF8.GetString(update.Plaintext));
    }

    void Saw(long seq, string text)
    {
        var first = Seen.GetOrAdd(seq, text);
        if (first != text) Conflicts.Enqueue($"{name} saw seq {seq} as '{first}' and as '{text}'");
    }

    /// <summary>Pushes one update about every <paramref name="pace"/> until <paramref name="stop"/> or <paramref name="maxPushes"/>.</summary>
    public async Task RunAsync(Func<bool> stop, int maxPushes, TimeSpan pace, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        for (var k = 0; k < maxPushes && !stop() && DateTime.UtcNow < deadline; k++)
        {
            if (session.Connection.State != HubConnectionState.Connected) await RejoinAsync(deadline);
            var text = $"{name}-{k}";
            try
            {
                using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                var pushed = await session.PushUpdateAsync(Encoding.UTF8.GetBytes(text), bound.Token);
                Acknowledged[pushed.Seq] = text;
                Saw(pushed.Seq, text);
            }
            catch (Exception e) when (IsConnectionTrouble(e))
            {
                // Refused (server-unavailable), or the connection went away before the answer: not
                // acknowledged, so the update may or may not be in the log, but at most once.
                Interlocked.Increment(ref Refusals);
                LastRefusal = e.Message;
                await Task.Delay(RetryPace); // a client's retry pace while the server is unavailable
            }
            await Task.Delay(pace);
        }
    }

    async Task RejoinAsync(DateTime deadline)
    {
        var old = session;
        await old.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        while (true)
        {
            try
            {
                var (again, catchup) = await ClusterFixture.JoinAsync(RejoinAt, room, resume: old.Credentials, sinceSeq: old.LastSeq);
                Attach(again, catchup);
                session = again;
                Interlocked.Increment(ref Rejoins);
                return;
            }
            catch (Exception e) when (IsConnectionTrouble(e) && DateTime.UtcNow < deadline)
            {
                LastRefusal = e.Message;
                await Task.Delay(RetryPace); // a client's retry pace, not a wait for an outcome
            }
        }
    }

    /// <summary>Fills a gap below <see cref="RoomSession.LastSeq"/>'s next update from the log, as the browser does; true when none is left up to <paramref name="latest"/>.</summary>
    public async Task<bool> HasSeenUpToAsync(long latest)
    {
        if (session.LastSeq >= latest) return true;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        Interlocked.Add(ref Filled, await session.FillGapsAsync(bound.Token));
        return session.LastSeq >= latest;
    }

    static bool IsConnectionTrouble(Exception e) => e is HubException or InvalidOperationException or IOException
        or WebSocketException or HttpRequestException or OperationCanceledException or TimeoutException;

    public override string ToString() =>
        $"{name}: {Acknowledged.Count} acknowledged, {Seen.Count} seen, last seq {session.LastSeq}, {Rejoins} rejoins, {Filled} gap updates fetched, {Refusals} refused (last: {LastRefusal})";

    public ValueTask DisposeAsync() => session.DisposeAsync();
}
