using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Diagnostics.NETCore.Client;
using Parley.Client.Sessions;
using Parley.Bench.Peers;
using Parley.Protocol;
using Parley.Testing;

/// <summary>
/// What an idle connection costs the server, and how fast it takes new ones:
/// `--idle-connections N` joins N members (rooms of 10, through Parley.Client; after untimed warm-up joins, at
/// least `--warmup-joins W` (1000) and for at least `--warmup S` seconds (45)) and lets them leave, then has them
/// join again and sit, and reads the server's memory before and after, each time after a full
/// garbage collection; then `--connects M`
/// bare hub connections (no join) are opened, `--concurrency C` at a time, and timed.
/// </summary>
static class IdleConnections
{
    public static async Task RunAsync(IReadOnlyDictionary<string, string> options)
    {
        int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var (idle, connects, concurrency, idleSeconds) = (Int("idle-connections", 1000), Int("connects", 2000), Int("concurrency", 16), Int("idle-seconds", 5));
        var output = options.GetValueOrDefault("out") ?? Path.Combine(ParleyServerProcess.RepoRoot, "bench", "results", "idle.json");

        var serverGc = BenchResults.ServerGc(options);
        await using var server = await BenchResults.StartServerAsync(serverGc, new Dictionary<string, string>
        {
            // Every client of the benchmark comes from 127.0.0.1.
            ["Parley__Hub__MaxConnectionsPerAddress"] = "100000",
            ["Parley__RoomsPerMinute"] = "100000",
            ["Parley__Metrics__Enabled"] = "true",
        });
        using var http = server.CreateHttpClient();

        // The members join once and leave: their rows, the database's cached pages and the paths'
        // compiled code are then in the "before" figure, so the measured difference is their
        // connections alone. They come back as themselves (a resume), as after a reload.
        await using var members = new RoomMembers();
        // Warm-up joins first, not timed: a fresh server and client spend their first seconds compiling their
        // hot paths again at the JIT's higher tier (the "Tiered Compilation" threads took a third of both cores
        // in a perf profile of cold joins), which a server that has been up for a minute no longer does.
        // A count alone was not enough: after 1,000 warm-up joins (~10 s) a perf profile of the timed joins still had
        // 37 % of the server's samples on the tiered-compilation thread, 4 % from about 50 s on. So the warm-up goes
        // on, in rooms that fill and leave, until both the count and the time (--warmup seconds) are reached.
        var (warmupJoins, warmupSeconds) = (Int("warmup-joins", 1000), Int("warmup", 45));
        var warmedFor = Stopwatch.StartNew();
        var warmedUp = 0;
        while (warmedUp < warmupJoins || warmedFor.Elapsed.TotalSeconds < warmupSeconds)
        {
            await using var warmup = new RoomMembers();
            await warmup.JoinRoomsAsync(server.BaseUri, http, 200, concurrency: 4, waitForKey: true);
            warmedUp += 200;
        }
        Console.WriteLine($"{warmedUp} warm-up members joined and left in {warmedFor.Elapsed.TotalSeconds:F0} s (not timed)");
        // First joins, key included (each new member waits until a member has granted it the room's key).
        var joinCpuBefore = PeerProcess.CpuOf(server.ProcessId);
        var generatorCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var firstJoins = Stopwatch.StartNew();
        await members.JoinRoomsAsync(server.BaseUri, http, idle, concurrency: 4, waitForKey: true);
        var firstJoinSeconds = firstJoins.Elapsed.TotalSeconds;
        var serverCpuPerJoin = (PeerProcess.CpuOf(server.ProcessId) - joinCpuBefore).TotalMilliseconds / idle;
        var generatorCpuPerJoin = (Process.GetCurrentProcess().TotalProcessorTime - generatorCpuBefore).TotalMilliseconds / idle;
        Console.WriteLine($"{idle} new members joined {idle / RoomMembers.Size} rooms, keys included, in {firstJoinSeconds:F1} s; " +
            $"CPU per join: server {serverCpuPerJoin:F1} ms, load generator {generatorCpuPerJoin:F1} ms");
        await members.LeaveAsync();
        await Task.Delay(TimeSpan.FromSeconds(2)); // they are gone from the server
        var before = await SettledMemoryAsync(server, http);

        var clock = Stopwatch.StartNew();
        await members.RejoinAsync(server.BaseUri, concurrency: 4);
        var joinSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{idle} members joined {idle / RoomMembers.Size} rooms again in {joinSeconds:F1} s; idle for {idleSeconds} s");
        await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
        var after = await SettledMemoryAsync(server, http);
        await members.LeaveAsync();
        await Task.Delay(TimeSpan.FromSeconds(2)); // they are gone from the server
        var left = await SettledMemoryAsync(server, http);

        var cpuBefore = PeerProcess.CpuOf(server.ProcessId);
        var raw = await ConnectsAsync("bare WebSocket connections with the SignalR handshake", connects, concurrency,
            () => new HandshakenSocket(server.BaseUri));
        var serverCpuPerConnect = (PeerProcess.CpuOf(server.ProcessId) - cpuBefore).TotalMilliseconds / connects;
        var client = await ConnectsAsync("Parley.Client hub connections", connects, concurrency, () => new ClientConnection(server.BaseUri));
        var result = new
        {
            idleConnections = idle, roomSize = RoomMembers.Size, idleSeconds,
            // Each after a full collection: before the members joined again, with each idle, after they left.
            memoryKiB = new { before, idle = after, left },
            rssPerIdleConnectionKiB = PerConnection(before.RssKiB, after.RssKiB),
            anonymousRssPerIdleConnectionKiB = PerConnection(before.RssAnonKiB, after.RssAnonKiB),
            gcHeapPerIdleConnectionKiB = PerConnection(before.HeapKiB, after.HeapKiB),
            // What the members' leaving gave back: the connections' share, without what the joins
            // left behind for good (database pages cached, rows, the pools' growth).
            gcHeapFreedPerConnectionKiB = PerConnection(left.HeapKiB, after.HeapKiB),
            serverGc = BenchResults.GcName(serverGc), warmupJoins = warmedUp, warmupSeconds,
            firstJoinsPerSecond = Math.Round(idle / firstJoinSeconds),
            // The server's CPU time per first join (its share; the clients' crypto and connections take the rest of the cores).
            serverCpuMsPerFirstJoin = Math.Round(serverCpuPerJoin, 2),
            // The clients' share: joiners' connections, the granters' RSA-OAEP wraps and ECDSA signatures, the joiners'
            // RSA-3072 unwraps and checks. With the server's, what one join takes of the machine: its ceiling here is
            // cores × 1000 / (server + load generator) joins/s.
            loadGeneratorCpuMsPerFirstJoin = Math.Round(generatorCpuPerJoin, 2),
            rejoinsPerSecond = Math.Round(idle / joinSeconds),
            rawConnects = connects, rawConnectConcurrency = concurrency,
            // The server's side of a connection, then the same through the .NET client (which builds
            // a service container per connection, so it spends more of the shared cores than the server).
            rawConnectsPerSecond = Math.Round(raw),
            clientConnectsPerSecond = Math.Round(client),
            // The server's CPU time per bare connection, opening and closing: its own ceiling is
            // 1000 / this per core, whatever the load generator beside it takes.
            serverCpuMsPerRawConnect = Math.Round(serverCpuPerConnect, 3),
            machine = $"{BenchResults.Machine}; server and clients on the same cores",
            measuredAt = DateTime.UtcNow.ToString("u"),
        };
        double PerConnection(long from, long to) => Math.Round((to - from) / (double)idle, 1);
        await BenchResults.WriteAsync(result, output);
    }

    /// <summary>Connections opened per second, up to the end of the SignalR handshake; no JoinRoom.</summary>
    static async Task<double> ConnectsAsync(string what, int count, int concurrency, Func<IOpening> make)
    {
        var open = new IOpening[count];
        var clock = Stopwatch.StartNew();
        await RoomMembers.InParallelAsync(count, concurrency, i => (open[i] = make()).OpenAsync());
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{count} {what} opened in {seconds:F2} s, {concurrency} at a time");
        await Task.WhenAll(open.Select(c => c.DisposeAsync().AsTask()));
        return count / seconds;
    }

    interface IOpening : IAsyncDisposable
    {
        Task OpenAsync();
    }

    sealed class ClientConnection(Uri server) : IOpening
    {
        readonly HubConnection connection = RoomSession.Connect(server);
        public Task OpenAsync() => connection.StartAsync();
        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    /// <summary>A WebSocket to the hub that has sent the handshake and read its answer, as a browser's first steps.</summary>
    sealed class HandshakenSocket(Uri server) : IOpening
    {
        static readonly byte[] Handshake = Encoding.UTF8.GetBytes("{\"protocol\":\"messagepack\",\"version\":1}\u001e");
        readonly ClientWebSocket socket = new();

        public async Task OpenAsync()
        {
            await socket.ConnectAsync(new UriBuilder(new Uri(server, HubNames.Path)) { Scheme = "ws" }.Uri, CancellationToken.None);
            await socket.SendAsync(Handshake, WebSocketMessageType.Text, true, CancellationToken.None);
            var answer = new byte[64];
            var read = await socket.ReceiveAsync(answer, CancellationToken.None);
            if (read.Count == 0 || answer[read.Count - 1] != 0x1e) throw new InvalidOperationException("No handshake answer.");
        }

        public ValueTask DisposeAsync()
        {
            socket.Abort();
            socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    sealed record Memory(long RssKiB, long RssAnonKiB, long HeapKiB, long GcCommittedKiB, long Threads);

    /// <summary>
    /// The server's resident memory and GC heap after a full, blocking collection, which the runtime
    /// makes when an EventPipe session asks for the GCHeapCollect keyword (as dotnet-gcdump does):
    /// without it the figures would hold whatever garbage the last collection had not reached yet.
    /// </summary>
    static async Task<Memory> SettledMemoryAsync(ParleyServerProcess server, HttpClient http)
    {
        const long Gc = 0x1, GcHeapCollect = 0x800000;
        var gen2Before = await MetricAsync(http, "dotnet_gc_collections_total", "gc_heap_generation=\"gen2\"");
        var session = new DiagnosticsClient(server.ProcessId).StartEventPipeSession(
            new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, Gc | GcHeapCollect), requestRundown: false);
        var drain = session.EventStream.CopyToAsync(Stream.Null);
        for (var waited = 0; await MetricAsync(http, "dotnet_gc_collections_total", "gc_heap_generation=\"gen2\"") == gen2Before; waited++)
        {
            if (waited == 100) throw new TimeoutException("The server made no full collection within 10 s.");
            await Task.Delay(100);
        }
        await session.StopAsync(CancellationToken.None);
        await drain;
        session.Dispose();
        await Task.Delay(TimeSpan.FromSeconds(1)); // what the collection freed is given back
        var status = File.ReadAllLines($"/proc/{server.ProcessId}/status");
        long KiB(string field) => long.Parse(status.First(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        // Live objects: the heap as the collection left it, less the free space between them.
        var heap = await MetricAsync(http, "dotnet_gc_last_collection_heap_size_bytes", "")
            - await MetricAsync(http, "dotnet_gc_last_collection_heap_fragmentation_size_bytes", "");
        var committed = await MetricAsync(http, "dotnet_gc_last_collection_memory_committed_size_bytes", "");
        return new Memory(KiB("VmRSS"), KiB("RssAnon"), (long)heap / 1024, (long)committed / 1024, KiB("Threads"));
    }

    /// <summary>The sum of a Prometheus family's samples whose labels contain <paramref name="label"/>.</summary>
    static async Task<double> MetricAsync(HttpClient http, string family, string label)
    {
        var text = await http.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(l => l.StartsWith(family + "{", StringComparison.Ordinal) || l.StartsWith(family + " ", StringComparison.Ordinal))
            .Where(l => l.Contains(label, StringComparison.Ordinal))
            .Sum(l => double.Parse(l.Split(' ')[^1].Trim(), CultureInfo.InvariantCulture));
    }
}
