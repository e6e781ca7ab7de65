using System.Diagnostics;
using System.Globalization;
using Parley.Client.Sessions;
using Parley.Testing;

/// <summary>
/// P6: one large file through the .NET client, end to end encrypted: `--file-mib N` (default 1024)
/// uploads N MiB of generated content as one member and downloads it as another, on a server of
/// its own (SQLite, blobs on local disk), and reports MB/s each way and how far the server's
/// working set rose above its level after the warm-up transfers (`--warmup S` seconds, 20). `--chunks-in-flight K` sets the
/// client's parallel chunk uploads (FileTransfer.ChunksInFlight) to compare.
/// </summary>
static class FileThroughput
{
    const long MiB = 1 << 20;

    public static async Task RunAsync(IReadOnlyDictionary<string, string> options)
    {
        var mib = options.TryGetValue("file-mib", out var v) ? long.Parse(v, CultureInfo.InvariantCulture) : 1024;
        var size = mib * MiB;
        var inFlight = options.TryGetValue("chunks-in-flight", out var k) ? int.Parse(k, CultureInfo.InvariantCulture) : Parley.Client.Files.FileTransfer.DefaultChunksInFlight;
        var output = options.GetValueOrDefault("out") ?? Path.Combine(ParleyServerProcess.RepoRoot, "bench", "results", "file.json");
        var serverGc = BenchResults.ServerGc(options);
        await using var server = await BenchResults.StartServerAsync(serverGc, new Dictionary<string, string>
        {
            ["Parley__MaxFileBytes"] = $"{size + 64 * MiB}",
            ["Parley__MaxRoomBytes"] = $"{2 * size + 256 * MiB}",
            ["Parley__Policy__GuestsMayShareFiles"] = "true",
        });
        using var http = server.CreateHttpClient();
        http.Timeout = TimeSpan.FromMinutes(30);
        var room = await RoomSession.CreateRoomAsync(http);
        await using var alice = (await RoomSession.JoinAsCreatorAsync(server.BaseUri, room)).Session;
        await using var bob = (await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret)).Session;
        // Warm-up transfers of 64 MiB, each deleted after its download, for --warmup seconds (20): the
        // JIT tiers both processes' paths up (a 1 GiB upload takes seconds, and a cold server spent a
        // third of them compiling), and the baseline then includes what the paths always hold (code,
        // pools, buffers).
        var warmupSeconds = options.TryGetValue("warmup", out var w) ? int.Parse(w, CultureInfo.InvariantCulture) : 20;
        var warmedFor = Stopwatch.StartNew();
        var warmups = 0;
        do
        {
            var warm = await alice.Files(http).UploadAsync(new GeneratedContent(64 * MiB, 1), 64 * MiB);
            await bob.Files(http).DownloadAsync(warm.FileId, warm.Key, warm.Size, Stream.Null);
            await alice.Files(http).DeleteAsync(warm.FileId);
            warmups++;
        } while (warmedFor.Elapsed.TotalSeconds < warmupSeconds);
        var baseline = server.WorkingSetBytes;
        Console.WriteLine($"server working set after {warmups} warm-up transfers of 64 MiB: {baseline / MiB} MiB; moving {mib} MiB");

        var (up, down) = (new Stopwatch(), new Stopwatch());
        var peak = await server.PeakWorkingSetDuringAsync(async () =>
        {
            up.Start();
            var files = alice.Files(http);
            files.ChunksInFlight = inFlight;
            var uploaded = await files.UploadAsync(new GeneratedContent(size, 2), size);
            up.Stop();
            down.Start();
            await bob.Files(http).DownloadAsync(uploaded.FileId, uploaded.Key, size, Stream.Null);
            down.Stop();
        });

        double MBps(Stopwatch s) => Math.Round(size / s.Elapsed.TotalSeconds / 1e6);
        var result = new
        {
            mebibytes = mib, chunksInFlight = inFlight, warmupSeconds, warmupTransfers = warmups,
            uploadSeconds = Math.Round(up.Elapsed.TotalSeconds, 1), uploadMBps = MBps(up),
            downloadSeconds = Math.Round(down.Elapsed.TotalSeconds, 1), downloadMBps = MBps(down),
            serverWorkingSetMiB = baseline / MiB, serverGrowthMiB = (peak - baseline) / MiB,
            serverGc = BenchResults.GcName(serverGc),
            setup = "one node, SQLite, blobs on local disk; client and server on the same machine",
            machine = BenchResults.Machine,
            measuredAt = DateTime.UtcNow.ToString("u"),
        };
        await BenchResults.WriteAsync(result, output);
    }
}
