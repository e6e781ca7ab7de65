using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Realtime;
using Parley.Server.Storage;

namespace Parley.Server.Rooms;

/// <summary>
/// Deletes rooms idle for longer than <see cref="RoomExpiryOptions.IdleExpiry"/> as a Terminate
/// would (RoomDeletion), and tombstones older than the retention. A room with a member connected is
/// in use however quiet: it is kept and its LastActiveAt moves to now.
/// </summary>
public sealed class RoomExpirySweeper(IServiceScopeFactory scopes, IRoomConnections connections, IOptions<RoomExpiryOptions> options,
    TimeProvider clock, ILogger<RoomExpirySweeper> log) : PeriodicSweep(options.Value.SweepInterval, clock, log)
{
    const int Batch = 100;

    protected override string What => "idle rooms";

    protected override async Task SweepOnceAsync(CancellationToken ct)
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        var cutoff = now - options.Value.IdleExpiry;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var deletion = scope.ServiceProvider.GetRequiredService<RoomDeletion>();
        var expired = 0;
        // Bounded per sweep; the next sweep takes the rest.
        var idle = await db.Rooms.AsNoTracking().Where(r => r.LastActiveAt < cutoff).OrderBy(r => r.LastActiveAt)
            .Select(r => r.Id).Take(Batch).ToListAsync(ct);
        foreach (var roomId in idle)
        {
            if ((await connections.OnlineAsync(roomId)).Count > 0)
                await db.Rooms.Where(r => r.Id == roomId).ExecuteUpdateAsync(r => r.SetProperty(x => x.LastActiveAt, now), ct);
            else if (await deletion.DeleteAsync(roomId, RoomEndReason.Expired, cutoff, ct))
            {
                expired++;
                log.RoomExpired(roomId, options.Value.IdleExpiry);
            }
        }
        var retentionCutoff = now - options.Value.TombstoneRetention;
        var swept = await db.EndedRooms.Where(e => e.EndedAt < retentionCutoff).ExecuteDeleteAsync(ct);
        if (swept > 0) log.LogInformation("Swept {Count} tombstones of ended rooms", swept);
    }
}
