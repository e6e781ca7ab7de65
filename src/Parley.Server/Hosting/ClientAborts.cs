namespace Parley.Server.Hosting;

/// <summary>
/// A client that hangs up mid-request (an upload cancelled, a tab closed) or sends a truncated body
/// is not a server fault: logged as a warning, without the unhandled-exception trace the exception
/// handler would write at error level.
/// </summary>
public static class ClientAborts
{
    public static void UseClientAborts(this WebApplication app) => app.Use(async (http, next) =>
    {
        try { await next(http); }
        catch (Exception e) when (e is BadHttpRequestException || (http.RequestAborted.IsCancellationRequested && e is IOException or OperationCanceledException))
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ClientAborts))
                .LogWarning("The client broke off {Method} {Path}: {Reason}", http.Request.Method, http.Request.Path, e.Message);
            if (!http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
                http.Response.StatusCode = e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
        }
    });
}
