using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.SignalR.Protocol;
using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>A small outbox bound, so a connection that never reads is found out after a few megabytes.</summary>
public sealed class SlowReaderFixture : ServerFixture
{
    protected override Dictionary<string, string> Settings => new(base.Settings)
    {
        ["Parley__Hub__OutboxBytes"] = $"{1024 * 1024}",
    };
}

public class SlowReaderTests(SlowReaderFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<SlowReaderFixture>
{
    const int FloodUpdates = 80;
    const int FloodBytes = 256 * 1024;

    [Fact]
    public async Task A_member_that_never_reads_is_dropped_and_slows_neither_other_rooms_nor_acknowledgements()
    {
        var control = await RunAsync(withSlowReader: false);
        var attacked = await RunAsync(withSlowReader: true);

        output.WriteLine($"control: {control.Probes.Count} probes p95 {P95(control.Probes):F1} ms, acks p95 {P95(control.Acks):F1}; attacked: {attacked.Probes.Count} probes p95 {P95(attacked.Probes):F1}, acks p95 {P95(attacked.Acks):F1}");
        Assert.True(control.Probes.Count >= 10 && attacked.Probes.Count >= 10, "enough deliveries were measured");
        var ratio = P95(attacked.Probes) / P95(control.Probes);
        Assert.True(ratio < 3, $"delivery p95 in another room: {P95(attacked.Probes):F1} ms with a slow reader vs {P95(control.Probes):F1} ms without");
        var ackRatio = P95(attacked.Acks) / P95(control.Acks);
        Assert.True(ackRatio < 3, $"acknowledgement p95: {P95(attacked.Acks):F1} ms with a slow reader vs {P95(control.Acks):F1} ms without");
    }

    sealed record Run(List<double> Probes, List<double> Acks);

    /// <summary>
    /// One room is flooded with large updates while, in another room, one member's small updates
    /// are timed to another member's screen. With a slow reader, the flooded room also holds a
    /// member whose connection joined and then never read again.
    /// </summary>
    async Task<Run> RunAsync(bool withSlowReader)
    {
        var busy = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(busy);
        await using var _a = alice;
        var (mallory, _) = await fixture.JoinAsync(busy);
        var left = new ConcurrentBag<string>();
        var joined = new ConcurrentBag<string>();
        alice.MemberLeft += left.Add;
        alice.MemberJoined += joined.Add;
        using var silent = new ClientWebSocket();
        using var stopPinging = new CancellationTokenSource();
        if (withSlowReader)
        {
            var malloryId = mallory.MemberId;
            var credentials = mallory.Credentials;
            await mallory.DisposeAsync();
            await Eventually.True(() => left.Contains(malloryId), "mallory's reading connection left");
            await JoinWithoutReadingAsync(silent, busy, credentials, stopPinging.Token);
            await Eventually.True(() => joined.Contains(malloryId), "mallory joined again on a connection that never reads");
        }

        var quiet = await fixture.NewRoomAsync();
        var (carol, _) = await fixture.JoinAsync(quiet);
        var (dave, _) = await fixture.JoinAsync(quiet);
        await using var _c = carol;
        await using var _d = dave;
        var arrived = new ConcurrentDictionary<long, TaskCompletionSource<long>>();
        dave.UpdateReceived += e => arrived.GetOrAdd(e.Seq, _ => new()).TrySetResult(Stopwatch.GetTimestamp());

        var acks = new List<double>();
        var flood = Task.Run(async () =>
        {
            for (var i = 0; i < FloodUpdates; i++)
            {
                var clock = Stopwatch.StartNew();
                await alice.PushUpdateAsync(RandomNumberGenerator.GetBytes(FloodBytes)).WaitAsync(TimeSpan.FromSeconds(20));
                acks.Add(clock.Elapsed.TotalMilliseconds);
            }
        });
        // Paced by carol's acknowledgements, not by dave's deliveries: a stalled delivery shows up
        // in every probe sent while it lasts, not in one.
        var sent = new List<(long Seq, long At)>();
        while (!flood.IsCompleted && sent.Count < 2_000)
        {
            var at = Stopwatch.GetTimestamp();
            sent.Add(((await carol.PushUpdateAsync([1, 2, 3]).WaitAsync(TimeSpan.FromSeconds(20))).Seq, at));
        }
        await flood;
        var probes = new List<double>();
        foreach (var (seq, at) in sent)
            probes.Add(Stopwatch.GetElapsedTime(at, await arrived.GetOrAdd(seq, _ => new()).Task.WaitAsync(TimeSpan.FromSeconds(60))).TotalMilliseconds);

        if (withSlowReader)
        {
            // A generous bound (it only matters when something is wrong); on CI's two cores the close and
            // its announcement queue behind the flood's last deliveries.
            try
            {
                await Eventually.True(() => left.Count(m => m == mallory.MemberId) == 2, "the connection that never reads was closed", 30_000);
            }
            catch (TimeoutException e)
            {
                var closes = fixture.Server.Log.Split('\n').Where(l => l.Contains("cannot keep up")).ToList();
                throw new TimeoutException($"{e.Message}; the server logged {closes.Count} close(s) of a connection that cannot keep up: {string.Join(" | ", closes)}", e);
            }
            await stopPinging.CancelAsync();
        }
        else
            await mallory.DisposeAsync();
        return new Run(probes, acks);
    }

    /// <summary>
    /// A real client that stops reading: the SignalR handshake and a JoinRoom invocation written by
    /// hand in MessagePack over a WebSocket (negotiation skipped, as browsers may), then nothing is
    /// ever received, so the server's sends back up through the socket.
    /// It keeps pinging, as a client bent on staying would, so SignalR's client timeout never ends it.
    /// </summary>
    async Task JoinWithoutReadingAsync(ClientWebSocket socket, TestRoom room, MemberCredentials member, CancellationToken stop)
    {
        var hub = new UriBuilder(new Uri(fixture.Server.BaseUri, HubNames.Path)) { Scheme = "ws" }.Uri;
        await socket.ConnectAsync(hub, CancellationToken.None);
        var frame = new ArrayBufferWriter<byte>();
        HandshakeProtocol.WriteRequestMessage(new HandshakeRequestMessage("messagepack", 1), frame);
        await socket.SendAsync(frame.WrittenMemory, WebSocketMessageType.Binary, true, CancellationToken.None);
        frame.Clear();
        var join = new JoinRequest(room.RoomId, RoomSecrets.FromLinkSecret(room.Secret).JoinKey, member.MemberId, member.MemberToken, 0);
        new MessagePackHubProtocol().WriteMessage(new InvocationMessage("1", HubNames.JoinRoom, [join]), frame);
        await socket.SendAsync(frame.WrittenMemory, WebSocketMessageType.Binary, true, CancellationToken.None);
        frame.Clear();
        new MessagePackHubProtocol().WriteMessage(PingMessage.Instance, frame);
        var ping = frame.WrittenMemory.ToArray();
        _ = Task.Run(async () =>
        {
            using var every = new PeriodicTimer(TimeSpan.FromSeconds(2));
            while (await every.WaitForNextTickAsync(stop) && socket.State == WebSocketState.Open)
                await socket.SendAsync(ping, WebSocketMessageType.Binary, true, stop);
        }, stop).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    static double P95(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Ceiling(sorted.Count * 0.95) - 1];
    }
}
