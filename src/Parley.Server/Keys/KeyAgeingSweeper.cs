using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Realtime;
using Parley.Server.Rooms;
using Parley.Server.Storage;

namespace Parley.Server.Keys;

/// <summary>
/// Keys that age (docs/protocol.md, "When rotations happen"): members away longer than
/// <see cref="KeyAgeingOptions.DropAwayAfter"/> leave the keys, as if they had left, and a key epoch
/// older than <see cref="KeyAgeingOptions.RotateAfter"/>, or used for more than
/// <see cref="KeyAgeingOptions.RotateAfterMessages"/> envelopes, is rotated by one keyed member the
/// server asks; when that member does not answer in time, another is asked.
/// </summary>
public sealed class KeyAgeingSweeper(IServiceScopeFactory scopes, IRoomConnections connections, RoomNotifier notifier,
    IOptions<KeyAgeingOptions> options, TimeProvider clock, ILogger<KeyAgeingSweeper> log) : PeriodicSweep(options.Value.SweepInterval, clock, log)
{
    const int Batch = 100;

    protected override string What => "old keys and away members";

    protected override async Task SweepOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var now = Clock.GetUtcNow().UtcDateTime;
        // Away members first, so that the rotation asked for below need not include them.
        await DropAwayAsync(db, now, ct);
        await AskForRotationsAsync(db, now, ct);
    }

    async Task DropAwayAsync(ParleyDb db, DateTime now, CancellationToken ct)
    {
        var cutoff = now - options.Value.DropAwayAfter;
        // Bounded per sweep; the next sweep takes the rest. The creator stays: kicking and ending
        // the room are theirs, and they cannot leave it either.
        var away = await db.Members.AsNoTracking().Where(Member.IsCurrent).Where(m => m.LastSeenAt < cutoff)
            .Where(m => !db.Rooms.Any(r => r.Id == m.RoomId && r.CreatorId == m.Id))
            .OrderBy(m => m.LastSeenAt).Select(m => new { m.RoomId, m.Id }).Take(Batch).ToListAsync(ct);
        foreach (var room in away.GroupBy(m => m.RoomId, m => m.Id))
        {
            var online = (await connections.OnlineAsync(room.Key)).ToHashSet();
            foreach (var memberId in room)
            {
                var member = db.Members.Where(m => m.Id == memberId && m.RoomId == room.Key);
                if (online.Contains(memberId))
                {
                    // Connected all along since its join: seen now.
                    await member.ExecuteUpdateAsync(m => m.SetProperty(x => x.LastSeenAt, now), ct);
                    continue;
                }
                // Still away (a resume meanwhile moved LastSeenAt): then out, as LeaveRoom would put it.
                var dropped = await member.Where(m => m.DepartedAt == null && m.LastSeenAt < cutoff)
                    .ExecuteUpdateAsync(m => m.SetProperty(x => x.DepartedAt, now), ct);
                if (dropped == 0) continue;
                log.MemberDroppedAway(room.Key, memberId, options.Value.DropAwayAfter);
                await notifier.Room(room.Key).MemberDeparted(room.Key, memberId);
            }
        }
    }

    async Task AskForRotationsAsync(ParleyDb db, DateTime now, CancellationToken ct)
    {
        var (old, unanswered, uses) = (now - options.Value.RotateAfter, now - options.Value.RotationAnswerWait, options.Value.RotateAfterMessages);
        var due = await db.Rooms.AsNoTracking()
            .Where(r => r.Epoch >= 0 && (r.EpochStartedAt < old || r.EpochEnvelopes >= uses))
            .Where(r => r.RotationAskedAt == null || r.RotationAskedAt < unanswered)
            .OrderBy(r => r.EpochStartedAt).Select(r => new { r.Id, r.Epoch, r.RotationAskedAt, r.RotationAskedOf }).Take(Batch).ToListAsync(ct);
        foreach (var room in due)
        {
            var online = await connections.OnlineAsync(room.Id);
            var keyed = online.Count == 0 ? [] : await db.Members.Where(m => m.RoomId == room.Id).Where(Member.IsCurrent)
                .Where(m => online.Contains(m.Id))
                .Where(m => db.Grants.Any(g => g.RoomId == room.Id && g.Epoch == room.Epoch && g.MemberId == m.Id))
                .Select(m => m.Id).ToListAsync(ct);
            var chosen = Choose(keyed, room.RotationAskedOf);
            // One node's sweep asks: the others find the asking already moved on. With nobody to ask,
            // the room is only marked as looked at, so that the batch moves on to other rooms and
            // this one is looked at again after the wait.
            var claimed = await db.Rooms.Where(r => r.Id == room.Id && r.Epoch == room.Epoch && r.RotationAskedAt == room.RotationAskedAt)
                .ExecuteUpdateAsync(r => r.SetProperty(x => x.RotationAskedAt, now).SetProperty(x => x.RotationAskedOf, chosen ?? room.RotationAskedOf), ct);
            if (claimed == 0 || chosen is null) continue;
            log.RotationRequested(room.Id, chosen, room.Epoch);
            await notifier.Member(room.Id, chosen).RotationRequested(room.Id, room.Epoch);
        }
    }

    /// <summary>Any keyed member online, but not the one asked last time while there is another.</summary>
    static string? Choose(IReadOnlyList<string> keyed, string? askedLast)
    {
        var others = keyed.Where(id => id != askedLast).ToList();
        var from = others.Count > 0 ? others : keyed.ToList();
        return from.Count == 0 ? null : from[Random.Shared.Next(from.Count)];
    }
}
