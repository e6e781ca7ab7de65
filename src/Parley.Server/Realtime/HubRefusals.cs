using Microsoft.AspNetCore.SignalR;
using Parley.Protocol;
using Parley.Server.Hosting;
using Parley.Server.Storage;

namespace Parley.Server.Realtime;

/// <summary>
/// The hub's edge for refusals: filters and services throw
/// <see cref="Refusal"/>, clients get a HubException "&lt;code&gt;: &lt;text&gt;". A refusal is the
/// server working as meant, so it is logged at Information without a stack trace, and counted.
/// </summary>
public sealed partial class HubRefusals(ILogger<HubRefusals> log) : IHubFilter
{
    /// <summary>SignalR's dispatcher logs every exception a hub method throws, HubExceptions included, as an error.</summary>
    public static void Quiet(ILoggingBuilder logging) =>
        logging.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogLevel.Critical);

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation,
        Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try { return await next(invocation); }
        catch (Refusal refusal)
        {
            ParleyMetrics.Refused(refusal.Code);
            Refused(log, invocation.HubMethodName, invocation.Context.ConnectionId, refusal.Code.Wire());
            throw new HubException(refusal.HubMessage);
        }
        catch (Exception e) when (DiskFull.Is(e))
        {
            ParleyMetrics.Refused(RefusalCode.StorageFull);
            log.LogWarning("Refused {Method} on connection {Connection}: the disk is full", invocation.HubMethodName, invocation.Context.ConnectionId);
            throw new HubException(RefusalCodes.HubMessage(RefusalCode.StorageFull, DiskFull.Text));
        }
        catch (Exception e) when (e is not HubException && !invocation.Context.ConnectionAborted.IsCancellationRequested)
        {
            // SignalR's own log of failed calls is off (see Quiet): it would log every refusal at
            // error level with a stack trace. A real failure is logged here instead.
            log.LogError(e, "{Method} failed on connection {Connection}", invocation.HubMethodName, invocation.Context.ConnectionId);
            throw;
        }
    }

    // The code, not the refusal's text: a text may quote what the caller sent.
    [LoggerMessage(EventId = 1010, EventName = "HubCallRefused", Level = LogLevel.Information,
        Message = "Refused {Method} on connection {Connection}: {Code}")]
    static partial void Refused(ILogger log, string method, string connection, string code);
}
