using System.Threading.Channels;
using Parley.Protocol;

namespace Parley.Server.Realtime;

/// <summary>
/// Delivers stored entries (doc updates, chat messages) to a room in the order they were stored,
/// off the writers' path, so a slow connection never holds up durable storage of everyone else's.
/// </summary>
public sealed class RoomFanout(RoomNotifier notifier, ILogger<RoomFanout> log) : BackgroundService
{
    readonly record struct Delivery(string RoomId, string ExceptConnectionId, string Event, Func<IRoomClient, Task> Send);

    readonly Channel<Delivery> deliveries = Channel.CreateBounded<Delivery>(
        new BoundedChannelOptions(100_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>To every member of the room but the sender's connection, which has its acknowledgement.</summary>
    public ValueTask DocUpdateAsync(string roomId, string exceptConnectionId, StoredUpdate update, CancellationToken ct) =>
        deliveries.Writer.WriteAsync(new(roomId, exceptConnectionId, nameof(IRoomClient.DocUpdate), c => c.DocUpdate(roomId, update)), ct);

    public ValueTask ChatAsync(string roomId, string exceptConnectionId, StoredChat message, CancellationToken ct) =>
        deliveries.Writer.WriteAsync(new(roomId, exceptConnectionId, nameof(IRoomClient.Chat), c => c.Chat(roomId, message)), ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var d in deliveries.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await d.Send(notifier.RoomExcept(d.RoomId, d.ExceptConnectionId));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Members that miss a delivery catch up from the stored log when they next join.
                log.LogWarning(e, "Fan-out of a {Event} failed", d.Event);
            }
        }
    }
}
