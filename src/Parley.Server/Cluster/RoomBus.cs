using System.Collections.Concurrent;
using MessagePack;
using StackExchange.Redis;

namespace Parley.Server.Cluster;

public enum BusKind
{
    /// <summary>A room event for the room's connections (or one member's) on every other node.</summary>
    Event,

    /// <summary>Refuse a member's (or everyone's) later calls in a room.</summary>
    Revoke,

    /// <summary>Take a member's (or everyone's) connections out of a room and close them.</summary>
    Close,

    /// <summary>A node has handled the message of <see cref="BusMessage.RequestId"/>.</summary>
    Handled,
}

/// <summary>What one node tells the others. <see cref="Payload"/> is the event's arguments, or a refusal code.</summary>
[MessagePackObject]
public sealed record BusMessage(
    [property: Key(0)] string Origin,
    [property: Key(1)] BusKind Kind,
    [property: Key(2)] string RoomId,
    [property: Key(3)] string? MemberId,
    [property: Key(4)] string? Name,
    [property: Key(5)] byte[]? Payload,
    [property: Key(6)] string? RequestId);

/// <summary>
/// Room traffic between nodes over one Redis pub/sub channel. Every node hears every message and
/// acts on what concerns its own connections; without Redis (one node) publishing does nothing.
/// Redis delivers one publisher's messages in the order they were published, so a node's events,
/// revocations and closes reach every other node in the order they happened there. Messages are
/// not stored: a node that cannot hear Redis misses them, which is why the connections of a node
/// that lost Redis are closed once it is back (<c>RedisRoomConnections</c>), and their clients
/// rejoin and catch up from the log.
/// </summary>
public sealed class RoomBus
{
    static readonly RedisChannel Channel = RedisChannel.Literal("parley:rooms");
    // A node that has not answered by then is gone or cut off; either way it closes its own
    // connections once it is back, so the caller need not wait for it any longer.
    static readonly TimeSpan HandledWithin = TimeSpan.FromSeconds(2);

    readonly ISubscriber? subscriber;
    readonly ClusterNode node;
    readonly ILogger<RoomBus> log;
    readonly ConcurrentDictionary<BusKind, Func<BusMessage, Task>> handlers = new();
    readonly ConcurrentDictionary<string, Waiting> waiting = new();

    /// <summary>Answers to one message, counted until the number of nodes that heard it is known and reached.</summary>
    sealed class Waiting
    {
        long answers;
        long expected = -1;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Answer()
        {
            Interlocked.Increment(ref answers);
            Check();
        }

        public void Expect(long count)
        {
            Interlocked.Exchange(ref expected, count);
            Check();
        }

        void Check()
        {
            var wanted = Interlocked.Read(ref expected);
            if (wanted >= 0 && Interlocked.Read(ref answers) >= wanted) Done.TrySetResult();
        }
    }

    public RoomBus(IConnectionMultiplexer? redis, ClusterNode node, ILogger<RoomBus> log)
    {
        this.node = node;
        this.log = log;
        if (redis is null) return;
        subscriber = redis.GetSubscriber();
        _ = ListenAsync();
    }

    /// <summary>True when there are other nodes to tell.</summary>
    public bool Shared => subscriber is not null;

    /// <summary>Whether this node hears the others; false until its first subscription took (Redis may be down at start).</summary>
    public bool Listening { get; private set; }

    /// <summary>Subscribes once Redis answers; from then on StackExchange.Redis subscribes again by itself after each reconnection.</summary>
    async Task ListenAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // One queue: messages are handled one at a time, in the order Redis delivered them.
                (await subscriber!.SubscribeAsync(Channel)).OnMessage(ReceiveAsync);
                Listening = true;
                return;
            }
            catch (RedisException e)
            {
                if (attempt == 0) log.LogWarning(e, "Cannot hear the other nodes yet (Redis unreachable); trying again every second");
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    /// <summary>Handles the messages of one kind that other nodes publish.</summary>
    public void On(BusKind kind, Func<BusMessage, Task> handler) => handlers[kind] = handler;

    /// <summary>Tells the other nodes, without waiting for them (in order with this node's other messages).</summary>
    public void Publish(BusKind kind, string roomId, string? memberId, string? name, byte[]? payload)
    {
        if (subscriber is null) return;
        try
        {
            subscriber.Publish(Channel, Pack(new BusMessage(node.Id, kind, roomId, memberId, name, payload, null)), CommandFlags.FireAndForget);
        }
        catch (RedisException e)
        {
            log.LogWarning(e, "Telling the other nodes about room {RoomId} failed", roomId);
        }
    }

    /// <summary>
    /// Tells the other nodes and waits until each one that heard it has handled it (or a short
    /// bound has passed): a kick returns only once the member is cut off on every node.
    /// </summary>
    public async Task PublishAndWaitAsync(BusKind kind, string roomId, string? memberId, string? name, CancellationToken ct)
    {
        if (subscriber is null) return;
        var id = Guid.NewGuid().ToString("N");
        var wait = new Waiting();
        waiting[id] = wait;
        try
        {
            // PUBLISH answers how many subscribers heard it; one of them is this node. Answers
            // may come before that count does: they are counted until it is known.
            var heard = await subscriber.PublishAsync(Channel, Pack(new BusMessage(node.Id, kind, roomId, memberId, name, null, id)));
            wait.Expect(heard - 1);
            await wait.Done.Task.WaitAsync(HandledWithin, ct);
        }
        catch (TimeoutException)
        {
            log.LogWarning("Not every node confirmed {Kind} in room {RoomId} within {Bound}", kind, roomId, HandledWithin);
        }
        catch (RedisException e)
        {
            log.LogWarning(e, "Telling the other nodes {Kind} in room {RoomId} failed", kind, roomId);
            throw Unreachable();
        }
        finally
        {
            waiting.TryRemove(id, out _);
        }
    }

    async Task ReceiveAsync(ChannelMessage delivery)
    {
        BusMessage message;
        try { message = MessagePackSerializer.Deserialize<BusMessage>((byte[])delivery.Message!); }
        catch (MessagePackSerializationException e)
        {
            log.LogWarning(e, "Ignored an unreadable message between nodes");
            return;
        }
        if (message.Origin == node.Id) return;
        if (message.Kind == BusKind.Handled)
        {
            if (message.RequestId is { } answered && waiting.TryGetValue(answered, out var wait)) wait.Answer();
            return;
        }
        try
        {
            if (handlers.TryGetValue(message.Kind, out var handle)) await handle(message);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Handling {Kind} of room {RoomId} from node {Node} failed", message.Kind, message.RoomId, message.Origin);
        }
        if (message.RequestId is { } request)
            await subscriber!.PublishAsync(Channel, Pack(new BusMessage(node.Id, BusKind.Handled, message.RoomId, null, null, null, request)),
                CommandFlags.FireAndForget);
    }

    /// <summary>What a node that cannot hear the others answers a room call.</summary>
    public static Protocol.Refusal Unreachable() =>
        new(Protocol.RefusalCode.ServerUnavailable, "The server cannot reach its other nodes: try again shortly.");

    static byte[] Pack(BusMessage message) => MessagePackSerializer.Serialize(message);
}
