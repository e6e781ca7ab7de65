using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Parley.Server.Hosting;

namespace Parley.Server.Realtime;

/// <summary>
/// What is waiting to be sent to one connection, sent in order by the connection's own loop. A
/// connection that does not read stalls only this loop; once it is more than the outbox bound
/// behind (or one send hangs past the send timeout) it is closed, and its client resumes from
/// its last sequence number when it joins again. The loop runs only while there is something to
/// send: an idle connection holds an empty queue, not a task waiting on it.
/// </summary>
sealed class ConnectionOutbox(string connectionId, IHubContext<RoomHub> hub, HubLimits limits, Action drop, ILogger log)
{
    readonly record struct Delivery(string Method, object?[] Args, long Bytes, long Posted);

    // Unbounded as a queue; bounded by the counters below, which close the connection instead of
    // making a producer wait: no writer ever waits on a reader. Its lock also guards the flags
    // below, so a post either finds the loop running or starts it, never neither.
    readonly Queue<Delivery> queue = new();
    bool draining;
    bool completed;
    int messages;
    long bytes;
    volatile bool dropped;

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
        lock (queue)
        {
            if (completed || dropped) return;
            queue.Enqueue(new Delivery(method, args, size, Stopwatch.GetTimestamp()));
            if (draining) return;
            draining = true;
        }
        // On the thread pool, without the poster's context: posting never waits on a send.
        ThreadPool.UnsafeQueueUserWorkItem(static outbox => _ = outbox.DrainAsync(), this, preferLocal: false);
    }

    /// <summary>What is queued is still sent; nothing posted after this is.</summary>
    public void Complete()
    {
        lock (queue) completed = true;
    }

    async Task DrainAsync()
    {
        while (Next() is { } d)
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

    /// <summary>The next delivery, or null when the queue is empty, and then the loop has ended.</summary>
    Delivery? Next()
    {
        lock (queue)
        {
            if (queue.TryDequeue(out var d)) return d;
            if (queue.EnsureCapacity(0) > 64) queue.TrimExcess(); // a long backlog's room goes back with it
            draining = false;
            return null;
        }
    }

    void Drop(string why)
    {
        if (dropped) return;
        dropped = true;
        lock (queue) queue.Clear();
        log.LogInformation("Closing connection {ConnectionId}, which cannot keep up: {Why}", connectionId, why);
        drop();
    }
}
