using Parley.Testing;

namespace Parley.Bench.Peers;

/// <summary>
/// Entry for the peer comparison. Usage (the fan-out options as Program.cs's, --rooms R included):
///   --system parley|y-websocket|hocuspocus|ws   one system (parley, the default, is Program.cs's own run)
///   --compare [--repeat 3]                       all four, alternating, medians written to bench/results/peers.json
///   --idle 2000 [--system …]                     idle memory per joined connection (IdleMemory.cs), bench/results/peers-idle.json
/// </summary>
public static class PeerBench
{
    /// <summary>The bytes of every Yjs update sent: the size of Program.cs's Parley payload (plaintext, before encryption).</summary>
    const int UpdateBytes = 64;
    static readonly PeerSystem[] All = [PeerSystem.Parley, PeerSystem.YWebsocket, PeerSystem.Hocuspocus, PeerSystem.Relay];

    /// <summary>Runs what the arguments ask for and returns true, or returns false for Program.cs's own Parley run.</summary>
    public static async Task<bool> RunIfAskedAsync(string[] args)
    {
        var options = Parse(args);
        var system = All.FirstOrDefault(s => PeerProcess.Name(s) == options.GetValueOrDefault("system", "parley"), (PeerSystem)(-1));
        if (system < 0) throw new ArgumentException($"--system is one of {string.Join(", ", All.Select(PeerProcess.Name))}");
        int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v) : fallback;
        var load = new Workload(Int("members", 50), Int("rate", 20), Int("seconds", 20), Int("warmup", 15), Int("rooms", 1));
        if (load.Rooms < 1 || load.Members % load.Rooms != 0 || (load.Rooms > 1 && load.Members / load.Rooms < 2))
            throw new ArgumentException("--rooms must divide --members into rooms of at least two");
        if (options.ContainsKey("idle"))
        {
            var idleOutput = options.GetValueOrDefault("out") ?? Path.Combine(ParleyServerProcess.RepoRoot, "bench", "results", "peers-idle.json");
            await IdleMemory.RunAsync(options.ContainsKey("system") ? [system] : All, Int("idle", 2000), idleOutput);
            return true;
        }
        if (options.ContainsKey("compare"))
        {
            var output = options.GetValueOrDefault("out") ?? Path.Combine(ParleyServerProcess.RepoRoot, "bench", "results", "peers.json");
            await CompareAsync(load, Int("repeat", 3), output);
            return true;
        }
        if (system == PeerSystem.Parley) return false;
        var updates = await PeerProcess.MakeUpdatesAsync(load, UpdateBytes);
        var run = await RunOnceAsync(system, load, updates);
        Console.WriteLine(PeerReport.Table(load, [[run]]));
        return true;
    }

    static async Task CompareAsync(Workload load, int repeat, string output)
    {
        var updates = await PeerProcess.MakeUpdatesAsync(load, UpdateBytes);
        var runs = All.ToDictionary(s => s, _ => new List<RunMeasurement>());
        for (var r = 0; r < repeat; r++)
        {
            // Each round starts with a different system, so none always runs first (or last) on a machine that warms up or gets busier.
            foreach (var system in All.Skip(r % All.Length).Concat(All.Take(r % All.Length)))
            {
                var run = await RunOnceAsync(system, load, updates);
                runs[system].Add(run);
                Console.WriteLine($"round {r + 1}/{repeat} {PeerProcess.Name(system)}: fan-out p50 {run.FanoutP50Ms:F1} ms, p99 {run.FanoutP99Ms:F1} ms, " +
                    $"sent {run.SentShare(load):P1} of offered, server CPU {run.CpuMsPerThousandDeliveries:F1} ms per 1k deliveries");
            }
        }
        var table = PeerReport.Table(load, All.Select(s => runs[s]).ToList());
        Console.WriteLine();
        Console.WriteLine(table);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, PeerReport.Json(load, repeat, UpdateBytes, All.Select(s => runs[s]).ToList()) + "\n");
        Console.WriteLine($"written to {output}");
    }

    static async Task<RunMeasurement> RunOnceAsync(PeerSystem system, Workload load, UpdateSet updates)
    {
        if (system == PeerSystem.Parley) return await ParleyRun.RunAsync(load);
        await using var peer = await PeerProcess.StartAsync(system);
        return await PeerDriver.RunAsync(system, peer.Uri, updates, load, () => PeerProcess.CpuOf(peer.ProcessId));
    }

    /// <summary>--name value pairs, and --flag alone (value "true").</summary>
    static Dictionary<string, string> Parse(string[] args)
    {
        var options = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) continue;
            var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            options[args[i][2..]] = hasValue ? args[++i] : "true";
        }
        return options;
    }
}
