using System.Text.Json;
using Parley.Protocol;

namespace Parley.Server.Tests;

/// <summary>Reads the refusal code of an HTTP answer a test sent itself (the client's calls carry it on <c>HttpRefusalException</c>).</summary>
static class ProblemCodes
{
    /// <returns>The ProblemDetails' code, or null when the answer is no ProblemDetails or carries no code.</returns>
    public static async Task<RefusalCode?> RefusalCodeAsync(this HttpResponseMessage response)
    {
        try
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return body.RootElement.ValueKind == JsonValueKind.Object &&
                   body.RootElement.TryGetProperty(RefusalCodes.ProblemExtension, out var code) && code.ValueKind == JsonValueKind.String
                ? RefusalCodes.Parse(code.GetString())
                : null;
        }
        catch (JsonException) { return null; }
    }
}
