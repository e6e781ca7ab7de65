using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Cluster;

namespace Parley.Server.Realtime;

/// <summary>
/// Delivers room events to this node's connections, each through its own <see cref="ConnectionOutbox"/>.
/// SignalR's group send writes to every member connection and completes only when each has flushed
/// (DefaultHubLifetimeManager.SendGroupAsync awaits every HubConnectionContext.WriteAsync), so one
/// member that never reads would hold up whoever awaits it: the room's other members, other rooms
/// behind them in a shared loop, and the writers whose acknowledgements wait on the fan-out.
/// Posting here never waits: it appends to each target connection's outbox and returns. Each
/// connection's events stay in the order they were posted; a connection that falls too far behind
/// is closed alone. With several nodes, each event also goes on the <see cref="RoomBus"/>, and each
/// other node posts what it hears to its own connections' outboxes in the same way.
/// </summary>
public sealed class RoomFanout
{
    // Framing and the event's other arguments, so a flood of small events counts too.
    const long EventOverhead = 256;

    readonly ConcurrentDictionary<string, ConnectionOutbox> outboxes = new();
    readonly IHubContext<RoomHub> hub;
    readonly IRoomConnections connections;
    readonly IOptions<HubLimits> limits;
    readonly RoomBus bus;
    readonly RoomEventCodec codec;
    readonly ILogger<RoomFanout> log;

    public RoomFanout(IHubContext<RoomHub> hub, IRoomConnections connections, IOptions<HubLimits> limits, RoomBus bus,
        RoomEventCodec codec, ILogger<RoomFanout> log)
    {
        (this.hub, this.connections, this.limits, this.bus, this.codec, this.log) = (hub, connections, limits, bus, codec, log);
        bus.On(BusKind.Event, Heard);
    }

    public void Opened(string connectionId)
    {
        var outbox = new ConnectionOutbox(connectionId, hub, limits.Value, () => connections.Abort(connectionId), log);
        // Nothing to start: the first post starts its send loop.
        outboxes[connectionId] = outbox;
    }

    public void Closed(string connectionId)
    {
        if (outboxes.TryRemove(connectionId, out var outbox)) outbox.Complete();
    }

    /// <summary>Every joined connection of the room (but <paramref name="exceptConnectionId"/>), read when an event is posted.</summary>
    /// <remarks>For the occasional events services send; the frequent ones below skip the proxy.</remarks>
    public IRoomClient Room(string roomId, string? exceptConnectionId = null) =>
        To(roomId, null, () => connections.ConnectionsIn(roomId).Where(c => c != exceptConnectionId));

    /// <summary>One member's live connections in the room.</summary>
    public IRoomClient Member(string roomId, string memberId) => To(roomId, memberId, () => connections.ConnectionsOf(roomId, memberId));

    IRoomClient To(string roomId, string? memberId, Func<IEnumerable<string>> targets)
    {
        var client = DispatchProxy.Create<IRoomClient, OutboxClient>();
        ((OutboxClient)(object)client).Bind(this, roomId, memberId, targets);
        return client;
    }

    // The events of every keystroke, cursor move and message: posted straight to the outboxes,
    // with no proxy made per event. Each goes to the room but the sender's connection, which has
    // its acknowledgement (or needs no echo of its own cursor or typing).

    /// <summary>
    /// A committed batch's updates of one room, in seq order, as one message to each member connection:
    /// at 1,000 updates per second in batches of tens, a member gets tens of messages a second, not
    /// a thousand. A connection gets the batch without its own pushes, which it has acknowledged;
    /// most connections pushed none of them and share one list.
    /// </summary>
    public void DocUpdates(string roomId, IReadOnlyList<(string ConnectionId, StoredUpdate Update)> batch)
    {
        object?[] whole = [roomId, batch.Select(b => b.Update).ToArray()];
        var size = SizeOf(whole);
        var senders = batch.Select(b => b.ConnectionId).ToHashSet();
        foreach (var connectionId in connections.ConnectionsIn(roomId))
        {
            if (!outboxes.TryGetValue(connectionId, out var outbox)) continue;
            if (!senders.Contains(connectionId)) outbox.Post(nameof(IRoomClient.DocUpdates), whole, size);
            else if (batch.Where(b => b.ConnectionId != connectionId).Select(b => b.Update).ToArray() is { Length: > 0 } others)
            {
                object?[] args = [roomId, others];
                outbox.Post(nameof(IRoomClient.DocUpdates), args, SizeOf(args));
            }
        }
        // The other nodes hold none of the senders' connections: they post the whole batch to theirs.
        Tell(roomId, null, nameof(IRoomClient.DocUpdates), whole);
    }

    public void Chat(string roomId, string exceptConnectionId, StoredChat message) =>
        PostToRoom(roomId, exceptConnectionId, nameof(IRoomClient.Chat), [roomId, message], message.Envelope.Ciphertext.Length);

    public void Awareness(string roomId, string exceptConnectionId, string memberId, Envelope envelope) =>
        PostToRoom(roomId, exceptConnectionId, nameof(IRoomClient.Awareness), [roomId, memberId, envelope], envelope.Ciphertext.Length);

    public void Typing(string roomId, string exceptConnectionId, string memberId, bool typing) =>
        PostToRoom(roomId, exceptConnectionId, nameof(IRoomClient.Typing), [roomId, memberId, typing], 0);

    void PostToRoom(string roomId, string exceptConnectionId, string method, object?[] args, long envelopeBytes)
    {
        foreach (var connectionId in connections.ConnectionsIn(roomId))
            if (connectionId != exceptConnectionId && outboxes.TryGetValue(connectionId, out var outbox))
                outbox.Post(method, args, EventOverhead + envelopeBytes);
        Tell(roomId, null, method, args);
    }

    void Post(IEnumerable<string> targets, string method, object?[] args)
    {
        var size = SizeOf(args);
        foreach (var connectionId in targets)
            if (outboxes.TryGetValue(connectionId, out var outbox)) outbox.Post(method, args, size);
    }

    static long SizeOf(object?[] args) => EventOverhead + args.Sum(a => a switch
    {
        StoredUpdate u => u.Envelope.Ciphertext.Length,
        IEnumerable<StoredUpdate> us => us.Sum(u => (long)u.Envelope.Ciphertext.Length),
        StoredChat c => c.Envelope.Ciphertext.Length,
        Envelope e => e.Ciphertext.Length,
        _ => 0L,
    });

    /// <summary>The other nodes post the event to their connections of the room (or of the member).</summary>
    void Tell(string roomId, string? memberId, string method, object?[] args)
    {
        if (bus.Shared) bus.Publish(BusKind.Event, roomId, memberId, method, codec.Write(method, args));
    }

    /// <summary>Another node's event: to this node's connections of the room (or of the member).</summary>
    Task Heard(BusMessage message)
    {
        var args = codec.Read(message.Name!, message.Payload!);
        Post(message.MemberId is { } member ? connections.ConnectionsOf(message.RoomId, member) : connections.ConnectionsIn(message.RoomId),
            message.Name!, args);
        return Task.CompletedTask;
    }

    /// <summary>An <see cref="IRoomClient"/> whose every event is posted to outboxes; the task it returns is already complete.</summary>
    public class OutboxClient : DispatchProxy
    {
        RoomFanout fanout = null!;
        string roomId = "";
        string? memberId;
        Func<IEnumerable<string>> targets = null!;

        internal void Bind(RoomFanout to, string room, string? member, Func<IEnumerable<string>> who) =>
            (fanout, roomId, memberId, targets) = (to, room, member, who);

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            // SignalR's typed clients send each method under its own name, as IRoomClient documents.
            fanout.Post(targets(), method!.Name, args ?? []);
            fanout.Tell(roomId, memberId, method.Name, args ?? []);
            return Task.CompletedTask;
        }
    }
}
