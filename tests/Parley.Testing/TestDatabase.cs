using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Parley.Testing;

/// <summary>
/// The database a test server runs on. SQLite in its data folder by default; with PARLEY_TEST_POSTGRES
/// set (a PostgreSQL server's connection string without a database, as ./test.sh sets it for the
/// PostgreSQL run), a database of its own on that server, named after the data folder so that a
/// restarted server finds its data again. Settings that name a provider themselves win; settings that
/// name the database (ConnectionStrings__Parley, as the nodes of a ParleyCluster share one) give a
/// database that the test reads but that is neither created nor dropped for this server.
/// </summary>
public sealed class TestDatabase
{
    const string ServerVariable = "PARLEY_TEST_POSTGRES";
    const string GivenConnection = "ConnectionStrings__Parley";
    const string GivenProvider = "Parley__Database__Provider";
    /// <summary>The server this test made its own database on; null when there is none to create or drop.</summary>
    readonly string? postgresServer;
    readonly string? postgresName;

    TestDatabase(string dataDirectory, string? postgresServer)
    {
        this.postgresServer = postgresServer;
        IsPostgres = postgresServer is not null;
        if (postgresServer is null)
        {
            ConnectionString = $"Data Source={Path.Combine(dataDirectory, "parley.db")}";
            return;
        }
        postgresName = "parley_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataDirectory)))[..16];
        ConnectionString = new NpgsqlConnectionStringBuilder(postgresServer) { Database = postgresName }.ToString();
    }

    TestDatabase(string givenConnectionString, bool postgres) => (ConnectionString, IsPostgres) = (givenConnectionString, postgres);

    public bool IsPostgres { get; }

    public string ConnectionString { get; }

    /// <summary>What the server process is told (nothing when its settings name the database themselves).</summary>
    public IReadOnlyDictionary<string, string> Settings => postgresServer is not null
        ? new Dictionary<string, string> { [GivenProvider] = "PostgreSQL", [GivenConnection] = ConnectionString }
        : new Dictionary<string, string>();

    public static TestDatabase For(string dataDirectory, IReadOnlyDictionary<string, string> settings)
    {
        if (settings.TryGetValue(GivenConnection, out var given))
            return new TestDatabase(given, settings.TryGetValue(GivenProvider, out var provider)
                && provider.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase));
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        var ownProvider = settings.ContainsKey(GivenProvider);
        return new TestDatabase(dataDirectory, ownProvider || string.IsNullOrEmpty(server) ? null : server);
    }

    /// <summary>A read-only connection for SQLite; for PostgreSQL the test reads (and may write) as the server's owner.</summary>
    public async Task<DbConnection> OpenAsync(bool readOnly = true)
    {
        DbConnection db = IsPostgres
            ? new NpgsqlConnection(ConnectionString)
            : new SqliteConnection(new SqliteConnectionStringBuilder(ConnectionString) { Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite }.ToString());
        await db.OpenAsync();
        return db;
    }

    /// <summary>The first value of a query; <c>@p0</c>, <c>@p1</c>… in the SQL stand for <paramref name="values"/>. Quote table and column names ("Rooms").</summary>
    public async Task<object?> ScalarAsync(string sql, params object[] values)
    {
        await using var db = await OpenAsync();
        await using var command = Command(db, sql, values);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    /// <summary>A change made beside the server (a stopped one, usually), written as <see cref="ScalarAsync"/>'s SQL; the rows it touched.</summary>
    public async Task<int> ExecuteAsync(string sql, params object[] values)
    {
        await using var db = await OpenAsync(readOnly: false);
        await using var command = Command(db, sql, values);
        return await command.ExecuteNonQueryAsync();
    }

    static DbCommand Command(DbConnection db, string sql, object[] values)
    {
        var command = db.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{i}";
            parameter.Value = values[i];
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>A count (or any whole number) from the database.</summary>
    public async Task<long> CountAsync(string sql, params object[] values) => Convert.ToInt64(await ScalarAsync(sql, values) ?? 0L);

    internal async Task CreateAsync()
    {
        if (postgresServer is null) return;
        await using var admin = new NpgsqlConnection(postgresServer);
        await admin.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT COUNT(*) FROM pg_database WHERE datname = @name", admin);
        exists.Parameters.AddWithValue("name", postgresName!);
        if ((long)(await exists.ExecuteScalarAsync())! > 0) return;
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{postgresName}\"", admin);
        await create.ExecuteNonQueryAsync();
    }

    /// <summary>Drops a PostgreSQL database (a server that made its own data folder does this itself).</summary>
    public async Task DropAsync()
    {
        if (postgresServer is null) return;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(postgresServer);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{postgresName}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
