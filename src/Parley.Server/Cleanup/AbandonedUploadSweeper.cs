using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Files;
using Parley.Server.Hosting;
using Parley.Server.Storage;

namespace Parley.Server.Cleanup;

/// <summary>
/// Deletes uploads that were started but never completed nor cancelled (the tab closed for good),
/// so their chunks do not hold disk space forever, and files the file manager let go of whose
/// deletion a server stop interrupted. Other completed files are never touched here. Every node
/// of a cluster runs this at once: each delete is idempotent, so two nodes sweeping the same file
/// both succeed; blobs a killed node left half-written or half-deleted go after the same delay.
/// </summary>
public sealed class AbandonedUploadSweeper(IServiceScopeFactory scopes, IBlobStore blobs, IOptions<ParleyOptions> options,
    TimeProvider clock, ILogger<AbandonedUploadSweeper> log) : PeriodicSweep(options.Value.CleanupInterval, clock, log)
{
    protected override string What => "abandoned uploads";

    protected override async Task SweepOnceAsync(CancellationToken ct)
    {
        var cutoff = Clock.GetUtcNow().UtcDateTime - options.Value.AbandonedUploadAfter;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var abandoned = await db.Files.AsNoTracking().Where(f => (!f.Complete && f.CreatedAt < cutoff) || f.Released)
            .OrderBy(f => f.CreatedAt).Select(f => new { f.Id, f.RoomId }).Take(1000).ToListAsync(ct);
        foreach (var file in abandoned) await db.DeleteFileAsync(blobs, file.RoomId, file.Id, ct);
        if (abandoned.Count > 0) log.LogInformation("Deleted {Count} abandoned or released uploads", abandoned.Count);
        // An upload untouched this long is abandoned, and so is a chunk a node was writing when it was killed.
        await blobs.DiscardLeftoversAsync(cutoff, ct);
    }
}
