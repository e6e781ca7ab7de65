using Microsoft.AspNetCore.Diagnostics;
using Parley.Protocol;

namespace Parley.Server.Hosting;

/// <summary>
/// A <see cref="Refusal"/> that leaves an HTTP endpoint (a limit reached, a store that cannot answer)
/// answers its ProblemDetails, as a hub call answers its HubException: endpoints need no catch of their own.
/// </summary>
public sealed class RefusalHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not Refusal refusal) return false;
        await Problems.Refused(refusal.Code, refusal.Message, Problems.StatusOf(refusal.Code)).ExecuteAsync(http);
        return true;
    }
}
