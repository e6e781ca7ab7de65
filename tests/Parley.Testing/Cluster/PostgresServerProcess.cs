namespace Parley.Testing.Cluster;

/// <summary>
/// A throwaway PostgreSQL cluster (Debian's postgresql package) of its own on 127.0.0.1 and a free
/// port, in a temporary folder: a test can stop and restart it without disturbing any other test.
/// As root it runs as the postgres user, as initdb demands. fsync is off: a stopped (even killed)
/// PostgreSQL loses nothing it committed, only a machine crash would, and tests never crash one.
/// </summary>
public sealed class PostgresServerProcess : IAsyncDisposable
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    readonly string folder;
    readonly string bin;

    PostgresServerProcess(string folder, string bin, int port) => (this.folder, this.bin, Port) = (folder, bin, port);

    public int Port { get; }

    string DataFolder => Path.Combine(folder, "data");

    /// <summary>What PostgreSQL wrote to its log, for a failing test's message.</summary>
    public string Log => File.Exists(Path.Combine(folder, "log")) ? File.ReadAllText(Path.Combine(folder, "log")) : "";

    /// <summary>A connection string as the superuser (trust authentication, no password) to <paramref name="database"/>.</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    public static async Task<PostgresServerProcess> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderBy(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var major) ? major : 0).LastOrDefault()
            : null;
        if (bin is null) throw new InvalidOperationException("No /usr/lib/postgresql/*/bin/initdb (apt-get install postgresql).");
        var folder = Directory.CreateTempSubdirectory("parley-pg-").FullName;
        var postgres = new PostgresServerProcess(folder, bin, Tool.FreePort());
        try
        {
            if (Tool.IsRoot) await Tool.RunAsync("chown", ["postgres", folder], Bound);
            await postgres.Pg("initdb", "-D", postgres.DataFolder, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
            await postgres.StartAgainAsync();
            return postgres;
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts PostgreSQL (again, after <see cref="StopAsync"/>) on its port and waits until it takes connections.</summary>
    public Task StartAgainAsync() => Pg("pg_ctl", "-D", DataFolder, "-w", "-t", "60", "-l", Path.Combine(folder, "log"), "-o",
        $"-p {Port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off", "start");

    /// <summary>Stops PostgreSQL at once (immediate mode: connections are cut as in a crash of the database server).</summary>
    public async Task StopAsync()
    {
        if (File.Exists(Path.Combine(DataFolder, "postmaster.pid"))) await Pg("pg_ctl", "-D", DataFolder, "-m", "immediate", "-w", "-t", "60", "stop");
    }

    /// <summary>Stops PostgreSQL, leaves it down for <paramref name="downFor"/>, and starts it again.</summary>
    public async Task RestartAsync(TimeSpan downFor = default)
    {
        await StopAsync();
        if (downFor > TimeSpan.Zero) await Task.Delay(downFor);
        await StartAgainAsync();
    }

    /// <summary>Creates a database (a deployment's "parley") owned by the superuser.</summary>
    public async Task CreateDatabaseAsync(string name)
    {
        await using var admin = new Npgsql.NpgsqlConnection(ConnectionString());
        await admin.OpenAsync();
        await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
        await create.ExecuteNonQueryAsync();
    }

    Task<string> Pg(string tool, params string[] arguments) => Tool.RunAsync(Path.Combine(bin, tool), arguments, Bound, runAs: "postgres");

    public async ValueTask DisposeAsync()
    {
        try { await StopAsync(); }
        finally { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
    }
}
