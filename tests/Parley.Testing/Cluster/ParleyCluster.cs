using System.Text;

namespace Parley.Testing.Cluster;

/// <summary>
/// Parley deployed as several nodes, all on 127.0.0.1: a PostgreSQL and a Redis of their own, the
/// nodes sharing one database, one Redis and one data folder (blobs on a shared volume), and nginx
/// in front of them. A test (or a benchmark) can talk to a node directly or through nginx, kill or
/// restart a node, and restart Redis or PostgreSQL; disposing stops everything and deletes the
/// temporary folders. Every wait is bounded.
/// </summary>
public sealed class ParleyCluster : IAsyncDisposable
{
    const string DatabaseName = "parley";
    readonly ParleyServerProcess?[] nodes;
    readonly int[] ports;
    readonly Dictionary<string, string> settings;
    readonly StringBuilder retiredLogs = new();

    ParleyCluster(int nodeCount, Dictionary<string, string> settings, PostgresServerProcess postgres, RedisServerProcess redis)
    {
        nodes = new ParleyServerProcess?[nodeCount];
        ports = new int[nodeCount];
        this.settings = settings;
        Postgres = postgres;
        Redis = redis;
    }

    public PostgresServerProcess Postgres { get; }
    public RedisServerProcess Redis { get; }
    public NginxProxy Proxy { get; private set; } = null!;

    /// <summary>The folder every node keeps its blobs in, as a volume mounted on each of them.</summary>
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("parley-cluster-").FullName;

    /// <summary>Where clients go in a deployment: nginx, which picks a node per connection.</summary>
    public Uri ProxyUri => Proxy.BaseUri;

    public int NodeCount => nodes.Length;

    /// <summary>Node <paramref name="index"/> as it runs now (a restart gives a new process on the same port).</summary>
    public ParleyServerProcess Node(int index) => nodes[index] ?? throw new InvalidOperationException($"Node {index} is not running.");

    /// <summary>The address of node <paramref name="index"/>; it stays the same across restarts.</summary>
    public Uri NodeUri(int index) => new($"http://127.0.0.1:{ports[index]}");

    /// <summary>The shared database, for reading beside the nodes.</summary>
    public TestDatabase Database => TestDatabase.For(DataDirectory, settings);

    /// <summary>
    /// Starts PostgreSQL, Redis, <paramref name="nodeCount"/> nodes and nginx. <paramref name="extraSettings"/>
    /// go to every node, on top of the cluster's own (database, Redis, nginx as a trusted proxy).
    /// </summary>
    public static async Task<ParleyCluster> StartAsync(int nodeCount = 2, IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodeCount, 1);
        var postgres = await PostgresServerProcess.StartAsync();
        RedisServerProcess? redis = null;
        ParleyCluster? cluster = null;
        try
        {
            redis = await RedisServerProcess.StartAsync();
            await postgres.CreateDatabaseAsync(DatabaseName);
            var settings = new Dictionary<string, string>
            {
                ["Parley__Database__Provider"] = "PostgreSQL",
                ["ConnectionStrings__Parley"] = postgres.ConnectionString(DatabaseName),
                ["ConnectionStrings__Redis"] = redis.ConnectionString,
                // nginx runs on this machine: its X-Forwarded-For names the client, as in a deployment.
                ["Parley__ForwardedHeaders__KnownProxies__0"] = "127.0.0.1",
            };
            foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>()) settings[key] = value;
            cluster = new ParleyCluster(nodeCount, settings, postgres, redis);
            // The first node makes the schema alone (EF Core's migration lock on PostgreSQL is a
            // table that two first starts could both try to create); the others then find it made.
            await cluster.StartNodeAsync(0);
            await Task.WhenAll(Enumerable.Range(1, nodeCount - 1).Select(cluster.StartNodeAsync));
            cluster.Proxy = await NginxProxy.StartAsync(Enumerable.Range(0, nodeCount).Select(cluster.NodeUri));
            return cluster;
        }
        catch
        {
            if (cluster is not null) await cluster.DisposeAsync();
            else
            {
                if (redis is not null) await redis.DisposeAsync();
                await postgres.DisposeAsync();
            }
            throw;
        }
    }

    async Task StartNodeAsync(int index)
    {
        var node = await ParleyServerProcess.StartAsync(DataDirectory, settings, ports[index]);
        ports[index] = node.BaseUri.Port;
        nodes[index] = node;
    }

    /// <summary>kill -9 of node <paramref name="index"/>: its clients' connections break, as when a machine dies.</summary>
    public async Task KillNodeAsync(int index)
    {
        if (nodes[index] is not { } node) return;
        await node.StopAsync();
        Retire(index, node);
        await node.DisposeAsync();
        nodes[index] = null;
    }

    /// <summary>Starts node <paramref name="index"/> again on its port (killing it first if it still runs): a new node process.</summary>
    public async Task RestartNodeAsync(int index)
    {
        await KillNodeAsync(index);
        await StartNodeAsync(index);
    }

    /// <summary>Kills Redis (all it held is gone), leaves it down for <paramref name="downFor"/>, and starts it again on its port.</summary>
    public Task RestartRedisAsync(TimeSpan downFor = default) => Redis.RestartAsync(downFor);

    public Task StopPostgresAsync() => Postgres.StopAsync();
    public Task StartPostgresAsync() => Postgres.StartAgainAsync();
    public Task RestartPostgresAsync(TimeSpan downFor = default) => Postgres.RestartAsync(downFor);

    void Retire(int index, ParleyServerProcess node)
    {
        lock (retiredLogs) retiredLogs.Append($"==== node {index} (pid {node.ProcessId}, killed)\n").Append(Tool.Tail(node.Log, 150)).Append('\n');
    }

    /// <summary>
    /// The last lines of every node's log (killed ones too), nginx's error log and PostgreSQL's log:
    /// what a failing test prints to say why.
    /// </summary>
    public string Logs(int linesEach = 150)
    {
        var text = new StringBuilder();
        lock (retiredLogs) text.Append(retiredLogs);
        for (var i = 0; i < nodes.Length; i++)
            if (nodes[i] is { } node) text.Append($"==== node {i} (pid {node.ProcessId}, {NodeUri(i)})\n").Append(Tool.Tail(node.Log, linesEach)).Append('\n');
        if (Proxy is not null) text.Append("==== nginx error.log\n").Append(Tool.Tail(Proxy.ErrorLog, linesEach)).Append('\n');
        text.Append("==== PostgreSQL log\n").Append(Tool.Tail(Postgres.Log, 40)).Append('\n');
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in nodes) if (node is not null) await node.DisposeAsync();
        if (Proxy is not null) await Proxy.DisposeAsync();
        await Redis.DisposeAsync();
        Npgsql.NpgsqlConnection.ClearAllPools();
        await Postgres.DisposeAsync();
        if (Directory.Exists(DataDirectory)) Directory.Delete(DataDirectory, recursive: true);
    }
}
