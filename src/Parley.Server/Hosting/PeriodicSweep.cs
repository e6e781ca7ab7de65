namespace Parley.Server.Hosting;

/// <summary>
/// A background job that sweeps at start and then every <paramref name="interval"/> on the
/// <see cref="TimeProvider"/>'s clock (so tests and deployments set the pace). A failed sweep is
/// logged and the next one runs on time: a sweep only catches up on what earlier ones left.
/// </summary>
public abstract class PeriodicSweep(TimeSpan interval, TimeProvider clock, ILogger log) : BackgroundService
{
    protected TimeProvider Clock { get; } = clock;

    /// <summary>What is swept, for the log line of a failed sweep.</summary>
    protected abstract string What { get; }

    protected abstract Task SweepOnceAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, Clock);
        do
        {
            try { await SweepOnceAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning(e, "Sweeping {What} failed", What); }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
