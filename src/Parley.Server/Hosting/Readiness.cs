using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using Parley.Server.Storage;

namespace Parley.Server.Hosting;

/// <summary>
/// <c>/healthz/live</c>: the process answers (restart it when not). <c>/healthz/ready</c>: it can
/// also do its work (send it traffic only when so): the database answers a query and the data
/// folder takes a write with room to spare. Both answer JSON naming each check; 503 when one fails.
/// </summary>
public static class Readiness
{
    public const string Ready = "ready";

    public static void AddParleyHealthChecks(this WebApplicationBuilder builder) =>
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseCheck>("database", tags: [Ready])
            .AddCheck<DataFolderCheck>("data-folder", tags: [Ready]);

    public static void MapParleyHealthChecks(this WebApplication app)
    {
        app.MapHealthChecks("/healthz/live", new() { Predicate = _ => false, ResponseWriter = WriteJson });
        app.MapHealthChecks("/healthz/ready", new() { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteJson });
        // The first health URL Parley had: kept for probes already pointing at it, as readiness in plain text.
        app.MapHealthChecks("/healthz", new() { Predicate = c => c.Tags.Contains(Ready) });
    }

    static Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        }, cancellationToken: context.RequestAborted);
    }

    /// <summary>
    /// Opens a connection of its own, outside the pool: a pooled one keeps working on a database
    /// file that has since gone or turned unreadable, which the next start would trip over (and a
    /// PostgreSQL server that restarted is best seen by a connection made now).
    /// </summary>
    sealed class DatabaseCheck(IConfiguration configuration, IOptions<ParleyOptions> options, IHostEnvironment environment) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            var connectionString = StorageSetup.ConnectionString(configuration, options.Value, environment);
            try
            {
                await using DbConnection db = StorageSetup.DatabaseOf(configuration).Provider == DatabaseProvider.PostgreSQL
                    ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 }.ToString())
                    : new SqliteConnection(new SqliteConnectionStringBuilder(connectionString)
                    {
                        Pooling = false,
                        Mode = SqliteOpenMode.ReadWrite, // a missing file is a failure, not a new empty database
                    }.ToString());
                await db.OpenAsync(cancellationToken);
                await using var query = db.CreateCommand();
                query.CommandText = "SELECT COUNT(*) FROM (SELECT 1 FROM \"Rooms\" LIMIT 1) AS probe";
                await query.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy("The database answers.");
            }
            catch (DbException e)
            {
                return HealthCheckResult.Unhealthy($"The database does not answer: {e.Message}");
            }
        }
    }

    sealed class DataFolderCheck(IOptions<ParleyOptions> options, IHostEnvironment environment) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            var folder = options.Value.DataPath(environment);
            var probe = Path.Combine(folder, $".ready-{Guid.NewGuid():N}");
            try
            {
                await File.WriteAllBytesAsync(probe, [1], cancellationToken);
                File.Delete(probe);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return HealthCheckResult.Unhealthy($"The data folder takes no writes: {e.Message}");
            }

            var free = new DriveInfo(folder).AvailableFreeSpace;
            var needed = options.Value.MinFreeDiskBytes;
            return free >= needed
                ? HealthCheckResult.Healthy($"The data folder is writable with {free} bytes free.")
                : HealthCheckResult.Unhealthy($"The data folder has {free} bytes free, under Parley:MinFreeDiskBytes ({needed}).");
        }
    }
}
