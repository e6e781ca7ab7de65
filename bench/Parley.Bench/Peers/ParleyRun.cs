using System.Diagnostics;
using System.Text.Json;
using Parley.Testing;

namespace Parley.Bench.Peers;

/// <summary>
/// Parley's side of the comparison runs Program.cs's own fan-out benchmark unchanged (RoomSession,
/// encryption, durable acknowledgements), as a child process pointed with --url at a server this
/// process starts, so this process can read the server's CPU time over the same measured window.
/// </summary>
static class ParleyRun
{
    public static async Task<RunMeasurement> RunAsync(Workload load)
    {
        // Every member connects from 127.0.0.1: the per-address cap (50) would otherwise be what is measured.
        await using var server = await BenchResults.StartServerAsync(BenchResults.DeployedGc,
            new Dictionary<string, string> { ["Parley__Hub__MaxConnectionsPerAddress"] = "100000" });
        var output = Path.Combine(Path.GetTempPath(), $"parley-bench-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        // Under `dotnet Parley.Bench.dll` the process is dotnet itself and needs the dll again.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(typeof(ParleyRun).Assembly.Location);
        foreach (var argument in new[] {
            "--members", $"{load.Members}", "--rooms", $"{load.Rooms}", "--rate", $"{load.Rate}", "--seconds", $"{load.Seconds}", "--warmup", $"{load.Warmup}",
            "--url", server.BaseUri.ToString(), "--out", output })
            start.ArgumentList.Add(argument);

        using var child = Process.Start(start)!;
        Task<TimeSpan>? window = null;
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            if (window is null && line.Contains("members joined room", StringComparison.Ordinal))
            {
                Console.WriteLine(line);
                window = CpuOverWindowAsync(server.ProcessId, load);
            }
        }
        await child.WaitForExitAsync();
        if (child.ExitCode != 0 || window is null || !File.Exists(output))
            throw new InvalidOperationException($"the Parley run failed (exit code {child.ExitCode})");
        var cpu = await window;
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        File.Delete(output);
        var root = json.RootElement;
        var fanout = root.GetProperty("fanoutLatencyMs");
        return new RunMeasurement(PeerSystem.Parley,
            Seconds: root.GetProperty("seconds").GetDouble(),
            Sent: root.GetProperty("ackLatencyMs").GetProperty("count").GetInt64(), // pushes acknowledged in the window
            Failures: root.GetProperty("failures").GetInt64(),
            Deliveries: fanout.GetProperty("count").GetInt64(),
            FanoutP50Ms: fanout.GetProperty("p50").GetDouble(),
            FanoutP99Ms: fanout.GetProperty("p99").GetDouble(),
            ServerCpuMs: cpu.TotalMilliseconds);
    }

    /// <summary>
    /// Program.cs prints its "joined" line, then sends for the warm-up and measures for the given
    /// seconds; the server's CPU is read at the same two moments, as seen from here (a few
    /// milliseconds late at most, against a window of seconds).
    /// </summary>
    static async Task<TimeSpan> CpuOverWindowAsync(int serverProcessId, Workload load)
    {
        await Task.Delay(TimeSpan.FromSeconds(load.Warmup));
        var before = PeerProcess.CpuOf(serverProcessId);
        await Task.Delay(TimeSpan.FromSeconds(load.Seconds));
        return PeerProcess.CpuOf(serverProcessId) - before;
    }
}
