using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.AspNetCore.SignalR;
using Parley.Protocol;
using Parley.Server.Accounts;
using Parley.Server.Cluster;
using Parley.Server.Rooms;

namespace Parley.Server.Realtime;

/// <summary>
/// The hub's one authorization point: reads the method's <see cref="RoomAccessAttribute"/>, checks the
/// caller, and hands the member id it resolved to the hub (<see cref="RoomHub.MemberId"/>).
/// A method without an attribute is refused, never let through.
/// </summary>
public sealed class RoomAuthorization(IRoomConnections connections, RoomLiveness liveness) : IHubFilter
{
    static readonly ConcurrentDictionary<MethodInfo, (RoomAccessAttribute? Rule, int RoomIdIndex)> Rules = new();

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation,
        Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var (rule, roomIdIndex) = Rules.GetOrAdd(invocation.HubMethod, method =>
            (method.GetCustomAttribute<RoomAccessAttribute>(), Array.FindIndex(method.GetParameters(), p => p.Name == "roomId")));
        if (rule is AnyoneAttribute) return await next(invocation);
        if (rule is null || roomIdIndex < 0)
            throw new InvalidOperationException($"{invocation.HubMethodName} says nothing of who may call it in which room.");

        var roomId = invocation.HubMethodArguments[roomIdIndex] as string;
        var memberId = JoinedRooms.Of(invocation.Context).TryGetValue(roomId ?? "", out var joined) ? joined
            : throw new Refusal(RefusalCode.NotMember, "Not a member of this room: join it first.");
        if (!connections.Reachable) throw RoomBus.Unreachable();
        if (connections.Revocation(roomId!, memberId) is { } reason) throw new Refusal(reason, RoomMembers.Why(reason));

        var services = invocation.ServiceProvider;
        var ct = invocation.Context.ConnectionAborted;
        if (rule is RoomCreatorAttribute &&
            await services.GetRequiredService<RoomMembers>().CreatorIdAsync(roomId!, ct) != memberId)
            throw new Refusal(RefusalCode.NotCreator, "Only the room's creator can do that.");
        if (((rule as RequiresAttribute)?.Ability ?? (rule as RoomCreatorAttribute)?.Ability) is { } ability)
            AccessPolicy.Require(await services.GetRequiredService<MemberAccounts>().AbilitiesAsync(memberId, ct), ability);

        ((RoomHub)invocation.Hub).MemberId = memberId;
        // A member's call (a push, a chat message, ...) keeps the room from expiring; coarse, so free.
        liveness.Touch(roomId!);
        return await next(invocation);
    }
}

/// <summary>The rooms this connection joined (room id → member id): its own state, kept in its own context.</summary>
/// <remarks>A plain dictionary under a lock: most connections join one room, and an idle connection
/// keeps this for its whole life, so it is a few dozen bytes rather than a concurrent dictionary's few hundred.</remarks>
sealed class JoinedRooms
{
    const string Key = "parley.rooms";
    readonly Dictionary<string, string> rooms = new(1);

    public static JoinedRooms Of(HubCallerContext context)
    {
        lock (context.Items)
        {
            if (!context.Items.TryGetValue(Key, out var joined)) context.Items[Key] = joined = new JoinedRooms();
            return (JoinedRooms)joined!;
        }
    }

    public bool TryGetValue(string roomId, [MaybeNullWhen(false)] out string memberId)
    {
        lock (rooms) return rooms.TryGetValue(roomId, out memberId);
    }

    public string this[string roomId]
    {
        set { lock (rooms) rooms[roomId] = value; }
    }

    /// <summary>A copy, so the caller may await while it walks them.</summary>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        lock (rooms) return rooms.ToList().GetEnumerator();
    }
}
