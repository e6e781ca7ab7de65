using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Realtime;
using Parley.Server.Rooms;
using Parley.Server.Storage;

namespace Parley.Server.Keys;

/// <summary>
/// Who grants a joiner the room's key (docs/protocol.md, "Joining, keyed"). The whole room hears
/// the joiner's keys, but one keyed member online, chosen here, is named to grant: one grant per
/// join instead of one per member (n² for a room filling up). If the joiner still holds no key of
/// the current epoch after <see cref="KeyAgeingOptions.GrantAnswerWait"/>, another keyed member is
/// named; when none is left, every keyed member is asked, as before there was a choice.
/// </summary>
public sealed class GrantRequests(IServiceScopeFactory scopes, IRoomConnections connections, RoomNotifier notifier,
    IOptions<KeyAgeingOptions> options, TimeProvider clock, IHostApplicationLifetime lifetime, ILogger<GrantRequests> log)
{
    // One watch per waiting member on this node; a second request while it runs only names a granter. The value
    // says whether this node stored the member's grant of the room's epoch then current: the watch then ends
    // without reading the database (it used to read the member and the room's key holders for every join).
    // Exact, because a rotation must grant every member holding the current key; a grant stored through
    // another node is found by the read.
    readonly ConcurrentDictionary<(string Room, string Member), bool> watching = new();

    /// <param name="keyedMembers">The room's current members holding its current key, as the caller just read them; read here when null.</param>
    public async Task AskAsync(string roomId, MemberKeys member, CancellationToken ct, IReadOnlySet<string>? keyedMembers = null)
    {
        var granter = await ChooseAsync(roomId, member.MemberId, new HashSet<string>(), ct, keyedMembers);
        // The watch is in place before anyone hears the request, so that a quick grant finds it.
        if (granter is not null)
        {
            var key = (roomId, member.MemberId);
            if (watching.TryAdd(key, false)) _ = WatchAsync(roomId, member, granter);
            // Asked again (a rotation that did not cover the member): what was answered before no longer settles it.
            else watching.TryUpdate(key, false, true);
        }
        await notifier.Room(roomId).KeyRequested(roomId, member, granter);
    }

    /// <summary>Grants of the room's current epoch were stored for these members.</summary>
    public void Answered(string roomId, IEnumerable<string> memberIds)
    {
        foreach (var memberId in memberIds) watching.TryUpdate((roomId, memberId), true, false);
    }

    async Task WatchAsync(string roomId, MemberKeys member, string first)
    {
        var asked = new HashSet<string> { first };
        var stopping = lifetime.ApplicationStopping;
        try
        {
            // Bounded: each round names a member not named before, and the room has finitely many.
            while (true)
            {
                await Task.Delay(options.Value.GrantAnswerWait, clock, stopping);
                if (watching.GetValueOrDefault((roomId, member.MemberId)) || !await StillWaitingAsync(roomId, member.MemberId, stopping)) return;
                var next = await ChooseAsync(roomId, member.MemberId, asked, stopping);
                log.LogInformation("Room {RoomId}: no key for {MemberId} yet, asking {Granter}", roomId, member.MemberId, next ?? "every keyed member");
                if (next is null)
                {
                    await notifier.Room(roomId).KeyRequested(roomId, member, null);
                    return;
                }
                asked.Add(next);
                await notifier.Member(roomId, next).KeyRequested(roomId, member, next);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
        catch (Exception e) { log.LogWarning(e, "Room {RoomId}: following up the key request of {MemberId} failed", roomId, member.MemberId); }
        finally { watching.TryRemove((roomId, member.MemberId), out _); }
    }

    /// <summary>A keyed member online (holding the current epoch's grant), not the joiner, not one asked before; null when none.</summary>
    async Task<string?> ChooseAsync(string roomId, string memberId, IReadOnlySet<string> asked, CancellationToken ct,
        IReadOnlySet<string>? keyedMembers = null)
    {
        var online = (await connections.OnlineAsync(roomId)).Where(id => id != memberId && !asked.Contains(id)).ToList();
        if (online.Count == 0) return null;
        var keyed = keyedMembers is not null ? online.Where(keyedMembers.Contains).ToList() : await KeyedOnlineAsync(roomId, online, ct);
        return keyed.Count == 0 ? null : keyed[Random.Shared.Next(keyed.Count)];
    }

    async Task<List<string>> KeyedOnlineAsync(string roomId, List<string> online, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var holders = await scope.ServiceProvider.GetRequiredService<RoomKeys>().KeyedNowAsync(roomId, ct);
        var current = await db.Members.Where(m => m.RoomId == roomId && online.Contains(m.Id)).Where(Member.IsCurrent)
            .Select(m => m.Id).ToListAsync(ct);
        return current.Where(holders.Contains).ToList();
    }

    /// <summary>The member is still current and online, and holds no grant of the room's current epoch.</summary>
    async Task<bool> StillWaitingAsync(string roomId, string memberId, CancellationToken ct)
    {
        if (!(await connections.OnlineAsync(roomId)).Contains(memberId)) return false;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        return await db.Members.Where(m => m.RoomId == roomId && m.Id == memberId).Where(Member.IsCurrent).AnyAsync(ct)
            && !(await scope.ServiceProvider.GetRequiredService<RoomKeys>().KeyedNowAsync(roomId, ct)).Contains(memberId);
    }
}
