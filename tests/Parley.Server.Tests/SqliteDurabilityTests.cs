using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Storage;

namespace Parley.Server.Tests;

/// <summary>
/// The durability settings are made once per SQLite handle: every query, on every open of a pooled
/// connection and on a handle the pool made afresh, must still run with them.
/// </summary>
public class SqliteDurabilityTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("parley-durability-").FullName;

    SqliteParleyDb NewDb() => new(new DbContextOptionsBuilder<SqliteParleyDb>()
        .UseSqlite($"Data Source={Path.Combine(folder, "parley.db")};Pooling=True")
        .AddInterceptors(new SqliteDurability()).Options);

    /// <summary>Opens the context's connection (as EF does for a query), reads the settings, closes it.</summary>
    static async Task<(long Synchronous, long BusyTimeout, long SecureDelete, long AutoCheckpoint)> SettingsAsync(SqliteParleyDb db)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            async Task<long> Read(string pragma)
            {
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = "PRAGMA " + pragma;
                return Convert.ToInt64(await command.ExecuteScalarAsync());
            }
            return (await Read("synchronous"), await Read("busy_timeout"), await Read("secure_delete"), await Read("wal_autocheckpoint"));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    [Fact]
    public async Task Every_open_of_a_pooled_connection_and_every_new_handle_runs_with_the_settings()
    {
        // synchronous=FULL is 2; SQLite's defaults are 2 (FULL), 0, 0 and 1000 with this build, so the
        // busy timeout, secure delete and checkpoint settings are what shows whether they were made.
        var expected = (2L, 10_000L, 1L, 0L);
        for (var round = 0; round < 2; round++)
        {
            for (var open = 0; open < 5; open++)
            {
                // Each read opens and closes the connection, as EF Core does for a query outside a
                // transaction: after the first, the handle comes from the pool.
                await using var db = NewDb();
                Assert.Equal(expected, await SettingsAsync(db));
                Assert.Equal(expected, await SettingsAsync(db));
            }
            // The pool closes its handles; the next open makes a new one, which needs the settings too.
            SqliteConnection.ClearAllPools();
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
