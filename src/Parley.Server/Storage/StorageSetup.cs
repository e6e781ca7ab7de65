using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Hosting;

namespace Parley.Server.Storage;

public static class StorageSetup
{
    public static void AddParleyStorage(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ParleyOptions.Section).Get<ParleyOptions>() ?? new();
        var database = DatabaseOf(builder.Configuration);
        var connectionString = ConnectionString(builder.Configuration, options, builder.Environment);
        if (database.Provider == DatabaseProvider.PostgreSQL)
            builder.Services.AddDbContextPool<ParleyDb, PostgresParleyDb>(db => db.UseNpgsql(connectionString));
        else
        {
            builder.Services.AddDbContextPool<ParleyDb, SqliteParleyDb>(db => db
                .UseSqlite(connectionString)
                .AddInterceptors(new SqliteDurability()));
            builder.Services.AddHostedService<SqliteCheckpoints>();
        }
        builder.Services.AddExceptionHandler<StorageFullHandler>();
        builder.Services.AddExceptionHandler<BlobMissingHandler>();
    }

    /// <summary>Read here, not through IOptions: the provider is chosen while services are still being added.
    /// A value that is neither provider stops the server at start with the binder's message.</summary>
    public static DatabaseOptions DatabaseOf(IConfiguration configuration) =>
        configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new();

    /// <summary>The configured connection string; for SQLite, by default, the file in the data folder.</summary>
    public static string ConnectionString(IConfiguration configuration, ParleyOptions options, IHostEnvironment environment) =>
        configuration.GetConnectionString("Parley") ?? (DatabaseOf(configuration).Provider == DatabaseProvider.PostgreSQL
            ? throw new InvalidOperationException("Parley:Database:Provider is PostgreSQL, so ConnectionStrings:Parley must name the database " +
                "(for example Host=db;Database=parley;Username=parley;Password=...; see docs/configuration.md).")
            : $"Data Source={Path.Combine(options.DataPath(environment), "parley.db")};Pooling=True");

    /// <summary>Creates the data folder and brings the schema up to date before the first request.</summary>
    public static async Task MigrateParleyStorageAsync(this WebApplication app)
    {
        var options = app.Configuration.GetSection(ParleyOptions.Section).Get<ParleyOptions>() ?? new();
        var dataDirectory = options.DataPath(app.Environment);
        PrivateFiles.CreateFolder(dataDirectory);
        PrivateFiles.Restrict(dataDirectory);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var sqlite = db.Database.IsSqlite();
        if (sqlite) PrepareDatabaseFile(db.Database.GetDbConnection().ConnectionString);
        var unknown = (await db.Database.GetAppliedMigrationsAsync()).Except(db.Database.GetMigrations()).ToList();
        if (unknown.Count > 0)
            throw new InvalidOperationException($"The database was made by a pre-release Parley ({string.Join(", ", unknown)}), " +
                "which this version cannot upgrade: delete the data folder (see docs/configuration.md).");
        // Several nodes starting at once: PostgreSQL's migrations take a lock, so one applies them and the others wait.
        await db.Database.MigrateAsync();
        if (sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
    }

    /// <summary>
    /// SQLite makes a missing database file 0644 and gives its -wal, -shm and journal files the
    /// database file's mode, so the file is made (empty, which SQLite takes as a new database) as 0600
    /// before SQLite first opens it; files of an older run are made private as well.
    /// </summary>
    static void PrepareDatabaseFile(string connectionString)
    {
        var source = new SqliteConnectionStringBuilder(connectionString);
        if (source.Mode == SqliteOpenMode.Memory || source.DataSource is "" or ":memory:") return;
        var path = Path.GetFullPath(source.DataSource);
        if (!File.Exists(path)) new FileStream(path, PrivateFiles.NewFile()).Dispose();
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" }) PrivateFiles.Restrict(file);
    }
}
