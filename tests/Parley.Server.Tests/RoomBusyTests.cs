using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Hosting;
using Parley.Server.Rooms;
using Parley.Server.Storage;
using Parley.Server.Sync;

namespace Parley.Server.Tests;

/// <summary>
/// RoomBusy is a race no test over the network can time: snapshots keep landing while a join reads
/// the log. Here the log is read in-process, and a snapshot "lands" between each page and its check.
/// </summary>
public class RoomBusyTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("parley-busy-").FullName;

    /// <summary>Moves the room's snapshot on just before the catch-up checks it, the first <paramref name="times"/> times.</summary>
    sealed class SnapshotsLanding(int times) : DbCommandInterceptor
    {
        public int Landed { get; private set; }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command,
            CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken ct = default)
        {
            if (Landed < times && command.CommandText.StartsWith("SELECT", StringComparison.Ordinal) && command.CommandText.Contains("\"LatestSeq\""))
            {
                await using var land = command.Connection!.CreateCommand();
                land.Transaction = command.Transaction;
                land.CommandText = """UPDATE "Rooms" SET "SnapshotSeq" = "SnapshotSeq" + 1""";
                await land.ExecuteNonQueryAsync(ct);
                Landed++;
            }
            return result;
        }
    }

    async Task<(DocLog Log, string RoomId, SqliteParleyDb Db)> RoomAsync(SnapshotsLanding landing)
    {
        var db = new SqliteParleyDb(new DbContextOptionsBuilder<SqliteParleyDb>()
            .UseSqlite($"Data Source={Path.Combine(folder, "parley.db")}").AddInterceptors(landing).Options);
        await db.Database.MigrateAsync();
        var room = new Room { Id = Ids.New(), JoinVerifier = new byte[32], CreatedAt = DateTime.UtcNow, LastActiveAt = DateTime.UtcNow };
        db.Rooms.Add(room);
        await db.SaveChangesAsync();
        return (new DocLog(db, Options.Create(new ParleyOptions())), room.Id, db);
    }

    [Fact]
    public async Task A_join_whose_catch_up_keeps_losing_to_new_snapshots_is_told_the_room_is_busy()
    {
        var landing = new SnapshotsLanding(times: int.MaxValue);
        var (log, roomId, db) = await RoomAsync(landing);
        await using var _ = db;

        var busy = await Assert.ThrowsAsync<Refusal>(() => log.CatchupAsync(roomId, 0, 0, CancellationToken.None));

        Assert.Equal(RefusalCode.RoomBusy, busy.Code);
        Assert.Equal(5, landing.Landed);
    }

    [Fact]
    public async Task A_catch_up_that_loses_to_a_few_snapshots_reads_again_and_succeeds()
    {
        var landing = new SnapshotsLanding(times: 4);
        var (log, roomId, db) = await RoomAsync(landing);
        await using var _ = db;

        var catchup = await log.CatchupAsync(roomId, 0, 0, CancellationToken.None);

        Assert.Equal(4, landing.Landed);
        Assert.Empty(catchup.Updates);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
