using Parley.Testing;
using System.Text.Json;

/// <summary>How every benchmark hands in its figures: printed, and kept as JSON under bench/results (or --out).</summary>
static class BenchResults
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>This machine as the results name it.</summary>
    public static string Machine => $"{Environment.ProcessorCount} cores, {Environment.OSVersion}";

    /// <summary>
    /// `--gc-server 1` (the default) runs the benchmark's server on the Server GC with DATAS, as Parley.Server is
    /// built to; `0` on the workstation GC the test harness uses, whose gen0 budget follows the L3 cache's size
    /// (this VM reports 260 MiB of L3, so memory figures then grow by that budget).
    /// </summary>
    public static string ServerGc(IReadOnlyDictionary<string, string> options) => options.GetValueOrDefault("gc-server", DeployedGc);

    public const string DeployedGc = "1";

    public static string GcName(string serverGc) => serverGc == DeployedGc ? "server (DATAS), as deployed" : "workstation";

    /// <summary>
    /// The benchmark's own Parley server with <paramref name="settings"/>, on the GC <paramref name="serverGc"/> names
    /// (the test harness would start it on the workstation GC).
    /// </summary>
    public static Task<ParleyServerProcess> StartServerAsync(string serverGc, IReadOnlyDictionary<string, string> settings) =>
        ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>(settings) { ["DOTNET_gcServer"] = serverGc });

    public static async Task WriteAsync(object result, string output, bool print = true)
    {
        var json = JsonSerializer.Serialize(result, Indented);
        if (print) Console.WriteLine(json);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, json + "\n");
        Console.WriteLine($"written to {output}");
    }
}
