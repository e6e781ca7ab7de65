using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Parley.Testing;

/// <summary>
/// The real server, started as `dotnet Parley.Server.dll` bound to 127.0.0.1 on a free port, with
/// its own data folder. Its whole console log is kept, so tests can read what it wrote. The captcha
/// is off, as in a small deployment, unless the settings turn it on (Parley__Captcha__Enabled).
/// </summary>
public sealed partial class ParleyServerProcess : IAsyncDisposable
{
    readonly Process process;
    readonly StringBuilder log = new();
    readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    readonly bool ownsDataDirectory;
    bool disposed;

    /// <summary>
    /// A joiner waits for another member's client to grant it the key. On CI's two cores, with a
    /// server and several clients making RSA keys at once, that once took longer than the client's
    /// 15 s default; a bound only matters when something is wrong, so every test (which starts a
    /// server before it joins) allows more.
    /// </summary>
    static ParleyServerProcess() => Parley.Client.Sessions.RoomSession.KeyWait = TimeSpan.FromSeconds(60);

    ParleyServerProcess(Process process, string dataDirectory, bool ownsDataDirectory, TestDatabase database)
    {
        this.process = process;
        DataDirectory = dataDirectory;
        this.ownsDataDirectory = ownsDataDirectory;
        Database = database;
    }

    public string DataDirectory { get; }

    /// <summary>The server's database (SQLite in its data folder, or PostgreSQL under PARLEY_TEST_POSTGRES), for reading beside it.</summary>
    public TestDatabase Database { get; }
    public Uri BaseUri { get; private set; } = null!;
    public int ProcessId => process.Id;

    public string Log { get { lock (log) return log.ToString(); } }

    /// <summary>Starts a server; <paramref name="dataDirectory"/> defaults to a new temporary folder.</summary>
    /// <param name="port">0 picks a free port; a fixed one lets a restarted server come back where clients expect it.</param>
    public static async Task<ParleyServerProcess> StartAsync(string? dataDirectory = null,
        IReadOnlyDictionary<string, string>? settings = null, int port = 0)
    {
        var owned = dataDirectory is null;
        dataDirectory ??= Directory.CreateTempSubdirectory("parley-data-").FullName;
        var serverDir = Path.Combine(RepoRoot, "src", "Parley.Server");
        var dll = Path.Combine(serverDir, "bin", BuildConfiguration, "net10.0", "Parley.Server.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Build the server first.", dll);

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = serverDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["Parley__DataDirectory"] = dataDirectory;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["Parley__Captcha__Enabled"] = "false";
        settings ??= new Dictionary<string, string>();
        var database = TestDatabase.For(dataDirectory, settings);
        foreach (var (key, value) in database.Settings) start.Environment[key] = value;
        foreach (var (key, value) in settings) start.Environment[key] = value;

        await database.CreateAsync();
        var server = new ParleyServerProcess(new Process { StartInfo = start, EnableRaisingEvents = true }, dataDirectory, owned, database);
        server.process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server.process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server.process.Exited += (_, _) =>
        {
            server.process.WaitForExit(); // without a bound, this also waits for the last lines of its output
            server.listening.TrySetException(new InvalidOperationException("The server exited during start-up:\n" + server.Log));
        };
        server.process.Start();
        server.process.BeginOutputReadLine();
        server.process.BeginErrorReadLine();

        try
        {
            server.BaseUri = await server.listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException e)
        {
            // Not left running on its own: nobody holds it to stop it later.
            await server.StopAsync();
            throw new TimeoutException("The server did not listen within 60 s:\n" + server.Log, e);
        }
        return server;
    }

    void Append(string? line)
    {
        if (line is null) return;
        lock (log) log.AppendLine(line);
        var match = ListeningLine().Match(line);
        if (match.Success) listening.TrySetResult(new Uri(match.Groups[1].Value));
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    public HttpClient CreateHttpClient() => new() { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Kills the process outright: anything acknowledged must already be on disk.</summary>
    public async Task StopAsync()
    {
        if (process.HasExited) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Sends SIGTERM, as systemd and docker stop do, and waits for the server to exit by itself.</summary>
    /// <returns>The process's exit code.</returns>
    public async Task<int> TerminateAsync(TimeSpan within)
    {
        using (var signal = Process.Start("/bin/kill", ["-TERM", process.Id.ToString()])) await signal.WaitForExitAsync();
        await process.WaitForExitAsync().WaitAsync(within);
        return process.ExitCode;
    }

    /// <summary>Private memory of the server process, in bytes.</summary>
    public long WorkingSetBytes
    {
        get { process.Refresh(); return process.WorkingSet64; }
    }

    /// <summary>The server's highest working set while <paramref name="work"/> runs (sampled every 25 ms).</summary>
    public async Task<long> PeakWorkingSetDuringAsync(Func<Task> work)
    {
        long peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, WorkingSetBytes);
                await Task.Delay(25);
            }
        });
        try { await work(); }
        finally
        {
            sampling.Cancel();
            await sampler;
        }
        return peak;
    }

    /// <summary>Stops the server; a data folder it made itself is deleted with it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (disposed) return;
        disposed = true;
        await StopAsync();
        process.Dispose();
        if (!ownsDataDirectory) return;
        if (Directory.Exists(DataDirectory)) Directory.Delete(DataDirectory, recursive: true);
        await Database.DropAsync();
    }

    public static string RepoRoot { get; } = FindRepoRoot();

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Parley.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("Parley.slnx not found above " + AppContext.BaseDirectory);
    }

#if DEBUG
    const string BuildConfiguration = "Debug";
#else
    const string BuildConfiguration = "Release";
#endif
}
