using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Parley.Server.Storage;

/// <summary>
/// Rows of a batch writer written without the change tracker, inside the caller's transaction. The
/// caller names the columns as its entity's mapping does; its tests read the rows back through EF.
/// </summary>
/// <remarks>
/// On PostgreSQL, one INSERT with every row: one round trip for the batch. On SQLite, which runs in
/// the process and has no round trips, one prepared single-row INSERT stepped once per row: a
/// statement with all the rows would be parsed anew for every batch size, and SQLite finds each named
/// parameter by walking the statement's list of names, so binding n parameters costs n² string
/// comparisons (10 % of the server's CPU in a profile of 20 rooms of 10, with batches of a few
/// hundred parameters).
/// </remarks>
static class MultiRowInsert
{
    public static async Task ExecuteAsync(ParleyDb db, string table, IReadOnlyList<string> columns, IReadOnlyList<object[]> rows,
        CancellationToken ct)
    {
        if (rows.Count == 0) return;
        for (var i = 0; i < rows.Count; i++)
            if (rows[i].Length != columns.Count) throw new ArgumentException($"Row {i} has {rows[i].Length} values for {columns.Count} columns.");
        var into = new StringBuilder($"INSERT INTO \"{table}\" (").AppendJoin(", ", columns.Select(c => $"\"{c}\"")).Append(") VALUES ");
        if (db.Database.IsSqlite()) await StepEachAsync(db, into, columns.Count, rows, ct);
        else await AllInOneAsync(db, into, columns.Count, rows, ct);
    }

    static async Task AllInOneAsync(ParleyDb db, StringBuilder sql, int width, IReadOnlyList<object[]> rows, CancellationToken ct)
    {
        var values = new object[rows.Count * width];
        for (var i = 0; i < rows.Count; i++)
        {
            var at = i * width;
            rows[i].CopyTo(values, at);
            sql.Append(i == 0 ? "(" : ", (").AppendJoin(", ", Enumerable.Range(at, width).Select(n => $"{{{n}}}")).Append(')');
        }
        await db.Database.ExecuteSqlRawAsync(sql.ToString(), values, ct);
    }

    static async Task StepEachAsync(ParleyDb db, StringBuilder sql, int width, IReadOnlyList<object[]> rows, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("A batch's rows are written inside its transaction.");
        command.CommandText = sql.Append('(').AppendJoin(", ", Enumerable.Range(0, width).Select(n => $"$v{n}")).Append(')').ToString();
        var parameters = new DbParameter[width];
        for (var n = 0; n < width; n++)
        {
            parameters[n] = command.CreateParameter();
            parameters[n].ParameterName = $"$v{n}";
            command.Parameters.Add(parameters[n]);
        }
        foreach (var row in rows)
        {
            for (var n = 0; n < width; n++) parameters[n].Value = row[n];
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
