using System.Buffers.Binary;
using System.Diagnostics;
using Parley.Client.Accounts;
using Parley.Client.Sessions;
using Parley.Testing;
using Parley.Testing.Cluster;

// Usage: dotnet run -c Release --project bench/Parley.Bench -- [--members 50] [--rooms 1] [--rate 20] [--seconds 20]
//        [--warmup 15] [--url http://127.0.0.1:5000] [--nodes 2] [--gc-server 0] [--out bench/results/fanout.json]
// Without --url it starts its own server (Release build, fresh data folder) on 127.0.0.1: one node
// on SQLite, or with --nodes N a cluster of N nodes on PostgreSQL and Redis (tests/Parley.Testing's
// ParleyCluster), the members spread evenly over the nodes.
// --system y-websocket|hocuspocus|ws and --compare run the plain-text peers instead (Peers/PeerBench.cs).
if (await Parley.Bench.Peers.PeerBench.RunIfAskedAsync(args)) return;
var options = args.Chunk(2).Where(p => p.Length == 2).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
// --idle-connections N [--connects M]: what Parley's idle connections cost and how fast bare ones open (IdleConnections.cs).
// --in-flight K: durable throughput (P5) instead of a paced load: each member keeps K pushes in flight, a new one as
// soon as one is acknowledged (closed loop; --rate is ignored). The .NET client pipelines them (PushDocUpdates).
if (options.ContainsKey("idle-connections")) { await IdleConnections.RunAsync(options); return; }
// --file-mib N: one N MiB file up and down through the .NET client, and the server's memory meanwhile (P6, FileThroughput.cs).
if (options.ContainsKey("file-mib")) { await FileThroughput.RunAsync(options); return; }
// --trace-join N: new members joining a room that holds N real edits, under load (P4, TraceJoin.cs).
if (options.ContainsKey("trace-join")) { await TraceJoin.RunAsync(options); return; }
int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v) : fallback;
// 15 s of warm-up by default: a fresh server and load generator recompile their hot paths at the JIT's higher tiers
// for several seconds once the load starts (3.3 s of JIT time in the server's first 5 s under 20 rooms of 10,
// `dotnet-counters`), and a 3 s warm-up measured that instead of the steady state (bench/README.md).
var (members, rate, seconds, warmup) = (Int("members", 50), Int("rate", 20), Int("seconds", 20), Int("warmup", 15));
var nodes = options.ContainsKey("nodes") ? Int("nodes", 1) : 0;
var inFlight = Int("in-flight", 0);
// --rooms R: the members spread evenly over R rooms (member i in room i mod R), each room's first member its creator.
var roomCount = Int("rooms", 1);
if (roomCount < 1 || members % roomCount != 0) throw new ArgumentException("--rooms must divide --members evenly");
var output = options.GetValueOrDefault("out") ?? Path.Combine(ParleyServerProcess.RepoRoot, "bench", "results",
    (inFlight > 0 ? "durable" : "fanout") + (nodes > 0 ? $"-{nodes}-node{(nodes > 1 ? "s" : "")}" : "") + ".json");

await using var cluster = nodes > 0 ? await ParleyCluster.StartAsync(nodes) : null;
// Every member connects from 127.0.0.1, so the per-address connection cap (50) is lifted; closed-loop pushes measure
// what the server can store, so the per-connection call rate (a policy, 200/s by default) is lifted for them.
// The server runs on the GC it is deployed with (Server GC; `--gc-server 0` for the workstation GC the tests use).
var serverGc = BenchResults.ServerGc(options);
var ownSettings = new Dictionary<string, string> { ["Parley__Hub__MaxConnectionsPerAddress"] = "100000" };
if (inFlight > 0) ownSettings["Parley__HubCallsPerSecond"] = "100000";
await using var ownServer = options.ContainsKey("url") || cluster is not null ? null : await BenchResults.StartServerAsync(serverGc, ownSettings);
var servers = cluster is not null ? Enumerable.Range(0, nodes).Select(cluster.NodeUri).ToArray()
    : [options.TryGetValue("url", out var url) ? new Uri(url) : ownServer!.BaseUri];
var server = servers[0];
using var http = new HttpClient { BaseAddress = server };
var rooms = new List<NewRoom>();
for (var r = 0; r < roomCount; r++) rooms.Add(await RoomSession.CreateRoomAsync(http, captcha: await AccountClient.SolveCaptchaAsync(http)));

var fanout = new LatencyLog();
var acks = new LatencyLog();
var measuring = false;
var sessions = new List<RoomSession>();
for (var i = 0; i < members; i++)
{
    // A room's first member is its creator, who makes the room key; each later one is granted it by a member already in.
    var at = servers[i % servers.Length];
    var room = rooms[i % roomCount];
    var (session, _) = i < roomCount ? await RoomSession.JoinAsCreatorAsync(at, room) : await RoomSession.JoinAsync(at, room.RoomId, room.LinkSecret);
    session.UpdateReceived += entry =>
    {
        if (measuring) fanout.Add(Stopwatch.GetElapsedTime(BinaryPrimitives.ReadInt64LittleEndian(entry.Plaintext)));
    };
    sessions.Add(session);
}
// ParleyRun (Peers/) starts the server's CPU window when it reads "members joined room".
Console.WriteLine($"{members} members joined room{(roomCount > 1 ? $"s ({roomCount} of {members / roomCount})" : "")} {string.Join(", ", rooms.Select(r => r.RoomId))} at {string.Join(", ", servers.Select(u => u.ToString()))}; each pushes " +
    (inFlight > 0 ? $"with {inFlight} in flight" : $"{rate} updates/s") + $" for {warmup}+{seconds} s");

var end = DateTime.UtcNow.AddSeconds(warmup + seconds);
var failures = 0;
// Paced (the default), a member pushes on every tick without waiting for the last push's ack, as an
// editor sends keystrokes: the client queues what is pushed while a call waits and sends it together
// (PushDocUpdates). With --in-flight K, each of K loops waits for its ack before its next push.
var pushers = sessions.SelectMany(session => Enumerable.Range(0, Math.Max(1, inFlight)).Select(_ => session)).Select(async session =>
{
    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / rate));
    var unacknowledged = new List<Task>();
    while (DateTime.UtcNow < end && (inFlight > 0 || await timer.WaitForNextTickAsync()))
    {
        var push = PushAsync(session);
        if (inFlight > 0) await push;
        else unacknowledged.Add(push);
    }
    await Task.WhenAll(unacknowledged);
}).ToList();

async Task PushAsync(RoomSession session)
{
    var payload = new byte[64]; // a typical small Yjs update: a few typed characters plus ids
    var sent = Stopwatch.GetTimestamp();
    BinaryPrimitives.WriteInt64LittleEndian(payload, sent);
    try
    {
        await session.PushUpdateAsync(payload);
        if (measuring) acks.Add(Stopwatch.GetElapsedTime(sent));
    }
    catch (Exception) { Interlocked.Increment(ref failures); }
}

await Task.Delay(TimeSpan.FromSeconds(warmup));
measuring = true;
var clock = Stopwatch.StartNew();
var ackedAtStart = acks.Count;
await Task.WhenAll(pushers);
measuring = false;
var elapsed = clock.Elapsed.TotalSeconds;
foreach (var s in sessions) await s.DisposeAsync();

var result = new
{
    members, rooms = roomCount, ratePerMember = inFlight > 0 ? (int?)null : rate, inFlightPerMember = inFlight > 0 ? inFlight : (int?)null, seconds = Math.Round(elapsed, 1), failures,
    setup = cluster is null ? "one node, SQLite" : $"{nodes} node(s), PostgreSQL + Redis, members spread evenly over the nodes",
    offeredUpdatesPerSecond = inFlight > 0 ? (int?)null : members * rate,
    storedUpdatesPerSecond = Math.Round(acks.Count / elapsed),
    relayedMessagesPerSecond = Math.Round(fanout.Count / elapsed),
    // Every stored update should reach the other members of its room: 1.0 means none went missing.
    deliveredShare = acks.Count == 0 || members / roomCount == 1 ? (double?)null : Math.Round(fanout.Count / ((double)acks.Count * (members / roomCount - 1)), 3),
    fanoutLatencyMs = fanout.Summary(),
    ackLatencyMs = acks.Summary(),
    serverGc = ownServer is null ? "as the server at --url / the cluster runs" : BenchResults.GcName(serverGc),
    machine = BenchResults.Machine,
    measuredAt = DateTime.UtcNow.ToString("u"),
};
await BenchResults.WriteAsync(result, output);

/// <summary>Latencies recorded from many threads; summarized once at the end.</summary>
sealed class LatencyLog
{
    readonly List<double> millis = new();
    public int Count { get { lock (millis) return millis.Count; } }
    public void Add(TimeSpan latency) { lock (millis) millis.Add(latency.TotalMilliseconds); }

    public object Summary()
    {
        lock (millis)
        {
            if (millis.Count == 0) return new { count = 0 };
            millis.Sort();
            double At(double q) => Math.Round(millis[(int)Math.Min(millis.Count - 1, q * millis.Count)], 2);
            return new { count = millis.Count, p50 = At(0.50), p90 = At(0.90), p95 = At(0.95), p99 = At(0.99), max = Math.Round(millis[^1], 2) };
        }
    }
}
