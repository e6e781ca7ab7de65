using Microsoft.AspNetCore.Http.HttpResults;
using Parley.Protocol;

namespace Parley.Server.Hosting;

/// <summary>HTTP refusals: a ProblemDetails whose <c>code</c> extension is the refusal's catalog code (tests/vectors/refusals.json).</summary>
public static class Problems
{
    /// <summary>The HTTP status of a refusal that leaves an endpoint without one of its own (<see cref="RefusalHandler"/>).</summary>
    public static int StatusOf(RefusalCode code) => code switch
    {
        RefusalCode.RateLimited => StatusCodes.Status429TooManyRequests,
        RefusalCode.ServerUnavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status400BadRequest,
    };

    public static ProblemHttpResult Refused(RefusalCode code, string detail, int status, string? title = null)
    {
        ParleyMetrics.Refused(code);
        return TypedResults.Problem(detail, statusCode: status, title: title,
            extensions: new Dictionary<string, object?> { [RefusalCodes.ProblemExtension] = code.Wire() });
    }
}
