using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Storage;

namespace Parley.Server.Rooms;

/// <summary>
/// Records that a room is in use (a join, a member's call) in its LastActiveAt, coarsely: a room's
/// row is written at most once per <see cref="RoomExpiryOptions.ActivityGranularity"/>, guarded by
/// the time this node last wrote it, so the hot path (pushes, chat) costs a dictionary lookup.
/// </summary>
public sealed class RoomLiveness(IServiceScopeFactory scopes, IOptions<RoomExpiryOptions> options, TimeProvider clock,
    ILogger<RoomLiveness> log)
{
    readonly ConcurrentDictionary<string, long> lastWritten = new(StringComparer.Ordinal);

    public void Touch(string roomId)
    {
        var now = clock.GetUtcNow();
        if (lastWritten.TryGetValue(roomId, out var last) && now.UtcTicks - last < options.Value.ActivityGranularity.Ticks) return;
        lastWritten[roomId] = now.UtcTicks;
        _ = WriteAsync(roomId, now.UtcDateTime);
    }

    /// <summary>The room is gone: nothing more to guard.</summary>
    public void Forget(string roomId) => lastWritten.TryRemove(roomId, out _);

    async Task WriteAsync(string roomId, DateTime at)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
            await db.Rooms.Where(r => r.Id == roomId && r.LastActiveAt < at).ExecuteUpdateAsync(r => r.SetProperty(x => x.LastActiveAt, at));
        }
        catch (Exception e)
        {
            // A missed write only lets the room look idle a minute early; the next call writes again.
            lastWritten.TryRemove(roomId, out _);
            log.LogWarning(e, "Recording activity of room {RoomId} failed", roomId);
        }
    }
}
