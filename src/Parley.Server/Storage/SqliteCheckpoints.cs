using Microsoft.EntityFrameworkCore;
using Parley.Server.Hosting;

namespace Parley.Server.Storage;

/// <summary>
/// Copies SQLite's write-ahead log into the database file every second, off the writers' path.
/// SQLite's own automatic checkpoint runs inside the commit that crosses its threshold, so every
/// few thousand updates one batch's acknowledgement waited for a checkpoint and its fsync; the
/// connections turn it off (<c>wal_autocheckpoint=0</c>, StorageSetup) and this does it instead.
/// PASSIVE never waits for readers or writers: what it cannot copy now, the next one copies.
/// </summary>
public sealed class SqliteCheckpoints(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SqliteCheckpoints> log)
    : PeriodicSweep(TimeSpan.FromSeconds(1), clock, log)
{
    protected override string What => "the SQLite write-ahead log into the database";

    protected override async Task SweepOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(PASSIVE);", ct);
    }
}
