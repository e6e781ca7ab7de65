using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Parley.Server.Storage;

/// <summary>
/// Rows of a batch writer in one INSERT statement with parameters: no change tracker, and one
/// statement for the batch where SaveChanges writes one INSERT per row. The caller names the
/// columns as its entity's mapping does; its tests read the rows back through EF.
/// </summary>
static class MultiRowInsert
{
    public static async Task ExecuteAsync(ParleyDb db, string table, IReadOnlyList<string> columns, IReadOnlyList<object[]> rows,
        CancellationToken ct)
    {
        if (rows.Count == 0) return;
        var sql = new StringBuilder($"INSERT INTO \"{table}\" (").AppendJoin(", ", columns.Select(c => $"\"{c}\"")).Append(") VALUES ");
        var values = new object[rows.Count * columns.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != columns.Count) throw new ArgumentException($"Row {i} has {rows[i].Length} values for {columns.Count} columns.");
            var at = i * columns.Count;
            rows[i].CopyTo(values, at);
            sql.Append(i == 0 ? "(" : ", (").AppendJoin(", ", Enumerable.Range(at, columns.Count).Select(n => $"{{{n}}}")).Append(')');
        }
        await db.Database.ExecuteSqlRawAsync(sql.ToString(), values, ct);
    }
}
