using System.Diagnostics;

namespace Parley.Testing.Cluster;

/// <summary>Runs a command line tool to its end, within a bound, and fails with what it printed.</summary>
static class Tool
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Runs <paramref name="file"/>; as root, as <paramref name="runAs"/> when given (PostgreSQL refuses to run as root).</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, TimeSpan within, string? runAs = null)
    {
        var start = new ProcessStartInfo(runAs is not null && IsRoot ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (start.FileName == "runuser")
            foreach (var arg in new[] { "-u", runAs!, "--", file }) start.ArgumentList.Add(arg);
        foreach (var arg in arguments) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(within);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} took longer than {within}.");
        }
        var printed = await output + await errors;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}:\n{printed}");
        return printed;
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The last lines of a text, so that a failing test's message stays readable.</summary>
    public static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return all.Length <= lines ? text : $"[{all.Length - lines} earlier lines left out]\n" + string.Join('\n', all[^lines..]);
    }
}
