using Microsoft.AspNetCore.Http.HttpResults;
using Parley.Protocol;

namespace Parley.Server.Hosting;

/// <summary>HTTP refusals: a ProblemDetails whose <c>code</c> extension is the refusal's catalog code (tests/vectors/refusals.json).</summary>
public static class Problems
{
    public static ProblemHttpResult Refused(RefusalCode code, string detail, int status, string? title = null)
    {
        ParleyMetrics.Refused(code);
        return TypedResults.Problem(detail, statusCode: status, title: title,
            extensions: new Dictionary<string, object?> { [RefusalCodes.ProblemExtension] = code.Wire() });
    }
}
