using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;

namespace Parley.Server.Sync;

/// <summary>
/// Delivers stored entries (doc updates, chat messages) to a room in the order they were stored,
/// off the writers' path, so a slow connection never holds up durable storage of everyone else's.
/// </summary>
public sealed class RoomFanout(IHubContext<RoomHub> hub, ILogger<RoomFanout> log) : BackgroundService
{
    readonly record struct Delivery(string Group, string ExceptConnectionId, string Event, string RoomId, object Entry);

    readonly Channel<Delivery> deliveries = Channel.CreateBounded<Delivery>(
        new BoundedChannelOptions(100_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public ValueTask EnqueueAsync(string group, string exceptConnectionId, string @event, string roomId, object entry,
        CancellationToken ct) =>
        deliveries.Writer.WriteAsync(new Delivery(group, exceptConnectionId, @event, roomId, entry), ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var d in deliveries.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await hub.Clients.GroupExcept(d.Group, d.ExceptConnectionId).SendAsync(d.Event, d.RoomId, d.Entry, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Members that miss a delivery catch up from the stored log when they next join.
                log.LogWarning(e, "Fan-out of a {Event} failed", d.Event);
            }
        }
    }
}
