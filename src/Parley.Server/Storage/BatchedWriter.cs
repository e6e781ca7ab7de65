using System.Threading.Channels;
using Parley.Protocol;

namespace Parley.Server.Storage;

/// <summary>
/// Queues writes and stores them in batches, one transaction each, so many small writes share one
/// durable commit. A caller's task completes only after its batch committed: nothing is
/// acknowledged before it is on disk. Subclasses say how a batch is written.
/// </summary>
public abstract class BatchedWriter<TItem, TResult>(ILogger log) : BackgroundService
{
    const int MaxBatch = 512;

    protected sealed class Pending(TItem item)
    {
        public TItem Item { get; } = item;
        public TaskCompletionSource<TResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public void Refuse(Refusal refusal) => Done.TrySetException(refusal);
    }

    readonly Channel<Pending> queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(50_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    protected async Task<TResult> EnqueueAsync(TItem item, CancellationToken cancellationToken)
    {
        var pending = new Pending(item);
        await queue.Writer.WriteAsync(pending, cancellationToken);
        return await pending.Done.Task;
    }

    /// <summary>Stores the batch in one transaction and completes (or refuses) every item.</summary>
    protected abstract Task WriteBatchAsync(IReadOnlyList<Pending> batch, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && queue.Reader.TryRead(out var item)) batch.Add(item);
                try { await WriteBatchAsync(batch, stoppingToken); }
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
        finally
        {
            // Nothing unacknowledged is lost: clients keep what was not acknowledged and send it again.
            while (queue.Reader.TryRead(out var p)) p.Refuse(new Refusal(RefusalCode.ServerUnavailable, "The server is shutting down."));
        }
    }
}
