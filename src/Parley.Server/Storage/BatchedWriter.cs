using System.Diagnostics;
using System.Threading.Channels;
using Parley.Protocol;
using Parley.Server.Hosting;

namespace Parley.Server.Storage;

/// <summary>
/// Queues writes and stores them in batches, one transaction each, so many small writes share one
/// durable commit. A caller's task completes only after its batch committed: nothing is
/// acknowledged before it is on disk. Subclasses say how a batch is written.
/// When the host begins to stop, new writes are refused (server-unavailable: the client keeps them
/// and sends them again once reconnected) and what is queued is still written and acknowledged,
/// within the host's shutdown timeout.
/// </summary>
public abstract class BatchedWriter<TItem, TResult> : BackgroundService
{
    /// <summary>Rows per batch (a batch may pass it by its last item's weight).</summary>
    const int MaxBatch = 512;

    protected sealed class Pending(TItem item)
    {
        public TItem Item { get; } = item;
        public TaskCompletionSource<TResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public long Arrived { get; } = Stopwatch.GetTimestamp();
        public void Refuse(Refusal refusal) => Done.TrySetException(refusal);
    }

    readonly Channel<Pending> queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(50_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    // Cancelled only when the shutdown timeout runs out with writes still queued.
    readonly CancellationTokenSource abandon = new();
    readonly string name;
    readonly ILogger log;

    /// <param name="name">The writer's label in metrics ("doc", "chat").</param>
    protected BatchedWriter(string name, IHostApplicationLifetime lifetime, ILogger log)
    {
        this.name = name;
        this.log = log;
        // Stopping begins before any hosted service stops, while connections still make calls.
        lifetime.ApplicationStopping.Register(() => queue.Writer.TryComplete());
    }

    protected async Task<TResult> EnqueueAsync(TItem item, CancellationToken cancellationToken)
    {
        var pending = new Pending(item);
        try { await queue.Writer.WriteAsync(pending, cancellationToken); }
        catch (ChannelClosedException) { throw ShuttingDown; }
        return await pending.Done.Task;
    }

    static Refusal ShuttingDown => new(RefusalCode.ServerUnavailable, "The server is shutting down; send it again once reconnected.");

    /// <summary>How many rows an item writes: a batch is cut by rows, not by items.</summary>
    protected virtual int WeightOf(TItem item) => 1;

    /// <summary>Stores the batch in one transaction and completes (or refuses) every item.</summary>
    protected abstract Task WriteBatchAsync(IReadOnlyList<Pending> batch, CancellationToken cancellationToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Writer.TryComplete();
        await using var _ = cancellationToken.Register(abandon.Cancel);
        // Returns once the queue is written out (ExecuteAsync ends with it), or when the timeout runs out.
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        abandon.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            // Not stoppingToken: the loop ends when the queue is completed and empty, so a stop writes out what is queued.
            while (await queue.Reader.WaitToReadAsync(abandon.Token))
            {
                batch.Clear();
                for (var rows = 0; rows < MaxBatch && queue.Reader.TryRead(out var item); rows += WeightOf(item.Item)) batch.Add(item);
                try
                {
                    await WriteBatchAsync(batch, abandon.Token);
                    ParleyMetrics.BatchWritten(name, batch.Count);
                    foreach (var p in batch)
                        if (p.Done.Task.IsCompletedSuccessfully) ParleyMetrics.Acknowledged(name, p.Arrived);
                }
                catch (Exception e) when (DiskFull.Is(e))
                {
                    // The transaction rolled back: nothing of the batch is stored or acknowledged.
                    log.LogWarning("Refused a batch of {Count} writes: the disk is full", batch.Count);
                    foreach (var p in batch) p.Refuse(new Refusal(RefusalCode.StorageFull, DiskFull.Text));
                }
                catch (Exception e)
                {
                    log.LogError(e, "Storing a batch of {Count} writes failed", batch.Count);
                    foreach (var p in batch) p.Refuse(new Refusal(RefusalCode.ServerUnavailable, "It could not be stored; send it again."));
                }
            }
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            log.LogWarning("The shutdown timeout ran out before every queued write was stored; the rest is refused");
        }
        finally
        {
            // Nothing unacknowledged is lost: clients keep what was not acknowledged and send it again.
            while (queue.Reader.TryRead(out var p)) p.Refuse(ShuttingDown);
        }
    }
}
