using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Parley.Testing;

namespace Parley.Bench.Peers;

/// <summary>
/// One peer server (bench/peers/*.cjs) run by Node on 127.0.0.1 for one run, with a fresh process
/// each time so no run inherits another's documents or heap. Ended by closing its stdin.
/// </summary>
sealed class PeerProcess : IAsyncDisposable
{
    static readonly string PeersFolder = Path.Combine(ParleyServerProcess.RepoRoot, "bench", "peers");
    readonly Process process;

    PeerProcess(Process process, Uri uri) => (this.process, Uri) = (process, uri);

    public Uri Uri { get; }
    public int ProcessId => process.Id;

    public static string Name(PeerSystem system) => system switch
    {
        PeerSystem.Parley => "parley",
        PeerSystem.YWebsocket => "y-websocket",
        PeerSystem.Hocuspocus => "hocuspocus",
        PeerSystem.Relay => "ws",
        _ => throw new ArgumentOutOfRangeException(nameof(system)),
    };

    static string Script(PeerSystem system) => system switch
    {
        PeerSystem.YWebsocket => "y-websocket.cjs",
        PeerSystem.Hocuspocus => "hocuspocus.cjs",
        PeerSystem.Relay => "relay.cjs",
        _ => throw new ArgumentOutOfRangeException(nameof(system)),
    };

    public static async Task<PeerProcess> StartAsync(PeerSystem system)
    {
        await EnsureInstalledAsync();
        var port = FreePort();
        var start = new ProcessStartInfo("node") { WorkingDirectory = PeersFolder, RedirectStandardInput = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Script(system));
        start.ArgumentList.Add(port.ToString());
        var process = Process.Start(start)!;
        var peer = new PeerProcess(process, new Uri($"ws://127.0.0.1:{port}/"));
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(bounded.Token) is { } line)
                if (line.StartsWith("ready ", StringComparison.Ordinal)) return peer;
        }
        catch (OperationCanceledException) { }
        await peer.DisposeAsync();
        throw new InvalidOperationException($"{Script(system)} did not say it was ready");
    }

    /// <summary>User plus system CPU time the server has used so far (from /proc/&lt;pid&gt;/stat).</summary>
    public static TimeSpan CpuOf(int processId)
    {
        using var process = Process.GetProcessById(processId);
        return process.TotalProcessorTime;
    }

    /// <summary>Resident set size now (the runtime reads it from /proc).</summary>
    public static long ResidentBytesOf(int processId)
    {
        using var process = Process.GetProcessById(processId);
        return process.WorkingSet64;
    }

    /// <summary>npm ci the first time, from the committed lock file, so every machine runs the pinned versions.</summary>
    static async Task EnsureInstalledAsync()
    {
        if (Directory.Exists(Path.Combine(PeersFolder, "node_modules"))) return;
        var npm = Process.Start(new ProcessStartInfo("npm", ["ci", "--prefix", PeersFolder, "--no-audit", "--no-fund"]))!;
        await npm.WaitForExitAsync();
        if (npm.ExitCode != 0) throw new InvalidOperationException("npm ci --prefix bench/peers failed");
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Writes real Yjs updates for the workload with bench/peers/updates.cjs and reads them.</summary>
    public static async Task<UpdateSet> MakeUpdatesAsync(Workload load, int bytes)
    {
        var file = Path.Combine(Path.GetTempPath(), $"parley-peer-updates-{Guid.NewGuid():N}.bin");
        var count = load.Rate * (load.Warmup + load.Seconds + 2); // two seconds to spare: a timer never ticks early
        await RunScriptAsync("updates.cjs", "--members", $"{load.Members}", "--count", $"{count}", "--bytes", $"{bytes}", "--out", file);
        try { return UpdateSet.Read(file); }
        finally { File.Delete(file); }
    }

    /// <summary>Runs one of bench/peers' Node scripts to its end (installing the peers' packages first if needed).</summary>
    public static async Task RunScriptAsync(string script, params string[] args)
    {
        await EnsureInstalledAsync();
        using var node = Process.Start(new ProcessStartInfo("node", [script, .. args]) { WorkingDirectory = PeersFolder })!;
        await node.WaitForExitAsync();
        if (node.ExitCode != 0) throw new InvalidOperationException($"bench/peers/{script} failed");
    }

    public async ValueTask DisposeAsync()
    {
        try { process.StandardInput.Close(); } catch (IOException) { }
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await process.WaitForExitAsync(bounded.Token); }
        catch (OperationCanceledException) { process.Kill(); }
        process.Dispose();
    }
}
