using Microsoft.Data.Sqlite;
using Npgsql;

namespace Parley.Server.Storage;

/// <summary>
/// Recognises a write that failed because the disk is full (SQLite's SQLITE_FULL, PostgreSQL's disk_full,
/// or ENOSPC from a blob write), so callers can answer <c>storage-full</c> (507) instead of a bare error, and deletes
/// can free blob space before the database, which cannot write on a full disk, removes their rows.
/// </summary>
public static class DiskFull
{
    const int SqliteFull = 13;
    const int Enospc = 28;                       // Linux errno, which .NET puts in an IOException's HResult
    const int WindowsDiskFull = unchecked((int)0x80070070), WindowsHandleDiskFull = unchecked((int)0x80070027);

    public const string Text = "The server's disk is full: nothing was stored. Try again once space was freed.";

    public static bool Is(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: SqliteFull }) return true;
            if (e is PostgresException { SqlState: PostgresErrorCodes.DiskFull }) return true;
            if (e is IOException { HResult: Enospc or WindowsDiskFull or WindowsHandleDiskFull }) return true;
        }
        return false;
    }

    /// <summary>
    /// Runs <paramref name="write"/>; if the disk was full, runs <paramref name="free"/> (deleting blobs the
    /// write is about to make unreachable anyway) and the write once more. A failed write rolled back
    /// its transaction, so running it again starts clean.
    /// </summary>
    public static async Task FreeingBlobsFirstIfFullAsync(Func<Task> write, Func<Task> free)
    {
        try { await write(); }
        catch (Exception e) when (Is(e))
        {
            await free();
            await write();
        }
    }
}
