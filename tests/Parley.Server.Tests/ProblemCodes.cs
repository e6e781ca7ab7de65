using Parley.Client;
using Parley.Protocol;

namespace Parley.Server.Tests;

/// <summary>Reads the refusal code of an HTTP answer a test sent itself (the client's calls carry it on <c>HttpRefusalException</c>).</summary>
static class ProblemCodes
{
    /// <returns>The ProblemDetails' code, or null when the answer is no ProblemDetails or carries no code.</returns>
    public static async Task<RefusalCode?> RefusalCodeAsync(this HttpResponseMessage response) =>
        HttpProblems.CodeOf(await response.Content.ReadAsStringAsync());
}
