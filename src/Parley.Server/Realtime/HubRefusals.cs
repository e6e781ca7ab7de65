using Microsoft.AspNetCore.SignalR;
using Parley.Protocol;
using Parley.Server.Storage;

namespace Parley.Server.Realtime;

/// <summary>The hub's edge for refusals: services throw <see cref="Refusal"/>; clients get a HubException "&lt;code&gt;: &lt;text&gt;".</summary>
public sealed class HubRefusals : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation,
        Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try { return await next(invocation); }
        catch (Refusal refusal) { throw new HubException(refusal.HubMessage); }
        catch (Exception e) when (DiskFull.Is(e)) { throw new HubException(RefusalCodes.HubMessage(RefusalCode.StorageFull, DiskFull.Text)); }
    }
}
