using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Parley.Client.Protocol;

namespace Parley.Server.Sync;

/// <summary>
/// Delivers stored updates to the room in sequence order, off the writer's path, so a slow
/// connection never holds up durable storage of everyone else's edits.
/// </summary>
public sealed class RoomFanout(IHubContext<RoomHub> hub, ILogger<RoomFanout> log) : BackgroundService
{
    readonly record struct Delivery(string RoomId, string ExceptConnectionId, StoredUpdate Update);

    readonly Channel<Delivery> deliveries = Channel.CreateBounded<Delivery>(
        new BoundedChannelOptions(100_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public ValueTask EnqueueAsync(string roomId, string exceptConnectionId, StoredUpdate update, CancellationToken ct) =>
        deliveries.Writer.WriteAsync(new Delivery(roomId, exceptConnectionId, update), ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var d in deliveries.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await hub.Clients.GroupExcept(RoomHub.GroupOf(d.RoomId), d.ExceptConnectionId)
                    .SendAsync(HubNames.DocUpdate, d.RoomId, d.Update, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Members that miss a delivery catch up from the log on their next join.
                log.LogWarning(e, "Fan-out of update {Seq} failed", d.Update.Seq);
            }
        }
    }
}
