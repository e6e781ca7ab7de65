using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Parley.Server.Hosting;

namespace Parley.Server.Realtime;

/// <summary>
/// What is waiting to be sent to one connection, sent in order by the connection's own loop. A
/// connection that does not read stalls only this loop; once it is more than the outbox bound
/// behind (or one send hangs past the send timeout) it is closed, and its client resumes from
/// its last sequence number when it joins again.
/// </summary>
sealed class ConnectionOutbox(string connectionId, IHubContext<RoomHub> hub, HubLimits limits, Action drop, ILogger log)
{
    readonly record struct Delivery(string Method, object?[] Args, long Bytes, long Posted);

    // Unbounded as a channel; bounded by the counters below, which close the connection instead of
    // making a producer wait: no writer ever waits on a reader.
    readonly Channel<Delivery> queue = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });
    int messages;
    long bytes;
    volatile bool dropped;

    public void Start() => _ = Task.Run(DrainAsync);

    public void Post(string method, object?[] args, long size)
    {
        if (dropped) return;
        var overMessages = Interlocked.Increment(ref messages) > limits.OutboxMessages;
        var overBytes = Interlocked.Add(ref bytes, size) > limits.OutboxBytes;
        if (overMessages || overBytes)
        {
            Drop($"{messages} events / {bytes} bytes behind");
            return;
        }
        queue.Writer.TryWrite(new Delivery(method, args, size, Stopwatch.GetTimestamp()));
    }

    public void Complete() => queue.Writer.TryComplete();

    async Task DrainAsync()
    {
        await foreach (var d in queue.Reader.ReadAllAsync())
        {
            if (dropped) return;
            using var timeout = new CancellationTokenSource(limits.SendTimeout);
            try
            {
                await hub.Clients.Client(connectionId).SendCoreAsync(d.Method, d.Args, timeout.Token).WaitAsync(timeout.Token);
                ParleyMetrics.FannedOut(d.Posted);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                Drop($"a send took longer than {limits.SendTimeout}");
                return;
            }
            catch (Exception e)
            {
                // The connection is going away; its client catches up from the log when it rejoins.
                log.LogDebug(e, "Sending {Event} to connection {ConnectionId} failed", d.Method, connectionId);
            }
            Interlocked.Decrement(ref messages);
            Interlocked.Add(ref bytes, -d.Bytes);
        }
    }

    void Drop(string why)
    {
        if (dropped) return;
        dropped = true;
        queue.Writer.TryComplete();
        log.LogInformation("Closing connection {ConnectionId}, which cannot keep up: {Why}", connectionId, why);
        drop();
    }
}
