using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Parley.Server.Storage;

/// <summary>
/// An acknowledged edit must survive a crash or power cut: WAL with synchronous=FULL syncs every
/// commit. The writer batches many updates per commit, so this costs little.
/// </summary>
/// <remarks>
/// The settings belong to SQLite's connection handle, which the connection pool keeps open between
/// uses, so they are set once per handle, not on each of the many opens EF Core makes (one per
/// query outside a transaction): a join used to run these four PRAGMAs a dozen times.
/// </remarks>
public sealed class SqliteDurability : DbConnectionInterceptor
{
    /// <summary>
    /// secure_delete: a deleted room's rows are zeroed, not left in free pages (its id must not outlive it on disk).
    /// wal_autocheckpoint=0: checkpoints run in the background (SqliteCheckpoints), not inside a writer's commit.
    /// </summary>
    public const string Settings = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA secure_delete=ON; PRAGMA wal_autocheckpoint=0;";

    /// <summary>Handles already set up; an entry goes when the pool closes its handle.</summary>
    static readonly ConditionalWeakTable<sqlite3, object> Configured = new();
    static readonly object Done = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        Configure(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Configure(connection);
        return Task.CompletedTask;
    }

    static void Configure(DbConnection connection)
    {
        var handle = ((SqliteConnection)connection).Handle!;
        if (Configured.TryGetValue(handle, out _)) return;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = Settings;
            command.ExecuteNonQuery();
        }
        Configured.AddOrUpdate(handle, Done);
    }
}
