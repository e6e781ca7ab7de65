using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Parley.Bench.Peers;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

/// <summary>
/// P4: joining a long-lived room. `--trace-join N` (default 100,000) replays the first N edits of a
/// real editing trace (`--trace`, default ../shared/traces/automerge-paper.json.gz) through Yjs
/// (bench/peers/trace.cjs), pushes them into a room as its creator would, pipelined, answering the
/// server's snapshot requests with the document's real state at that point, as a browser does. Then,
/// while `--members` (default 50) others push `--rate` (20) updates/s each in rooms of ten (P1's
/// offered load), `--joins` (20) new members join one after another; each is timed from the start
/// of its join to its caught-up document (snapshot and log decrypted; key grant by the creator
/// included) and its download counted.
/// </summary>
static class TraceJoin
{
    public static async Task RunAsync(IReadOnlyDictionary<string, string> options)
    {
        int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var (edits, joins, members, rate) = (Int("trace-join", 100_000), Int("joins", 20), Int("members", 50), Int("rate", 20));
        var trace = Path.GetFullPath(options.GetValueOrDefault("trace") ??
            Path.Combine(ParleyServerProcess.RepoRoot, "..", "shared", "traces", "automerge-paper.json.gz"));
        var output = options.GetValueOrDefault("out") ?? Path.Combine(ParleyServerProcess.RepoRoot, "bench", "results", "join.json");
        var serverGc = BenchResults.ServerGc(options);

        var file = Path.Combine(Path.GetTempPath(), $"parley-trace-{Guid.NewGuid():N}.bin");
        await PeerProcess.RunScriptAsync("trace.cjs", "--trace", trace, "--edits", $"{edits}", "--every", "100", "--out", file);
        var (updates, every, states) = Read(file);
        File.Delete(file);

        await using var server = await BenchResults.StartServerAsync(serverGc, new Dictionary<string, string>
        {
            ["Parley__Hub__MaxConnectionsPerAddress"] = "100000",
            ["Parley__RoomsPerMinute"] = "100000",
            // Filling the room is set-up, not what is measured: the creator pushes 100,000 edits as fast as they are stored.
            ["Parley__HubCallsPerSecond"] = "100000",
        });
        using var http = server.CreateHttpClient();
        var room = await RoomSession.CreateRoomAsync(http);
        await using var creator = (await RoomSession.JoinAsCreatorAsync(server.BaseUri, room)).Session;
        var filling = Stopwatch.StartNew();
        long snapshotSeq = 0;
        foreach (var slice in updates.Chunk(2048))
        {
            var results = await Task.WhenAll(slice.Select(u => creator.PushUpdateAsync(u)));
            // Asked for a snapshot: the state at the newest checkpoint the log has passed, as the browser's doc would hold it.
            var at = results.Max(r => r.Seq) / every * every;
            if (results.Any(r => r.SnapshotDue) && at > snapshotSeq && at > 0)
                await creator.PushSnapshotAsync(snapshotSeq = at, states[(int)(at / every) - 1]);
        }
        Console.WriteLine($"{updates.Count} edits of {Path.GetFileName(trace)} stored in {filling.Elapsed.TotalSeconds:0.0} s; latest snapshot at seq {snapshotSeq}");

        await using var load = new RoomMembers();
        await load.JoinRoomsAsync(server.BaseUri, http, members, concurrency: 4);
        using var stop = new CancellationTokenSource();
        var pushers = load.Sessions.Select(session => Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / rate));
            var payload = new byte[64];
            try { while (await timer.WaitForNextTickAsync(stop.Token)) await session.PushUpdateAsync(payload, stop.Token); }
            catch (Exception) when (stop.IsCancellationRequested) { }
        })).ToList();
        await Task.Delay(TimeSpan.FromSeconds(3)); // the load settles first

        var timings = new LatencyLog();
        var downloads = new List<long>();
        for (var i = 0; i < joins; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var (joiner, catchup) = await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret);
            timings.Add(Stopwatch.GetElapsedTime(started));
            downloads.Add(catchup.CiphertextBytes);
            if (joiner.LastSeq != updates.Count) throw new InvalidOperationException($"joiner {i} caught up to {joiner.LastSeq}, not {updates.Count}");
            await joiner.DisposeAsync();
        }
        stop.Cancel();
        await Task.WhenAll(pushers);

        var result = new
        {
            trace = Path.GetFileName(trace), edits = updates.Count, traceBytes = updates.Sum(u => (long)u.Length),
            snapshotAtSeq = snapshotSeq, finalStateBytes = states.Count > 0 ? states[^1].Length : 0,
            load = $"{members} members pushing {rate} updates/s each, in rooms of {RoomMembers.Size}",
            joins, joinMs = timings.Summary(),
            downloadBytes = new { min = downloads.Min(), max = downloads.Max() },
            setup = "one node, SQLite; a new member each time (link, device keys, grant from the creator, catch-up)",
            serverGc = BenchResults.GcName(serverGc),
            machine = BenchResults.Machine,
            measuredAt = DateTime.UtcNow.ToString("u"),
        };
        await BenchResults.WriteAsync(result, output);
    }

    /// <summary>Reads bench/peers/trace.cjs's output: the updates, the checkpoint interval and the states.</summary>
    static (List<byte[]> Updates, int Every, List<byte[]> States) Read(string file)
    {
        var bytes = File.ReadAllBytes(file);
        var at = 0;
        int Int() { var n = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at)); at += 4; return n; }
        byte[] Blob() { var n = Int(); var b = bytes.AsSpan(at, n).ToArray(); at += n; return b; }
        var updates = new List<byte[]>();
        for (var count = Int(); updates.Count < count;) updates.Add(Blob());
        var every = Int();
        var states = new List<byte[]>();
        for (var count = Int(); states.Count < count;) states.Add(Blob());
        return (updates, every, states);
    }
}
