using System.Text.Json;
using Parley.Protocol;

namespace Parley.Client;

static class HttpProblems
{
    /// <summary>
    /// Throws for an unsuccessful answer with the status and the server's own words (a ProblemDetails
    /// body), carrying the refusal's code (<see cref="Refusals.RefusalCode"/>).
    /// </summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var detail = await response.Content.ReadAsStringAsync(ct);
        throw new HttpRefusalException($"{(int)response.StatusCode}: {detail}", response.StatusCode, CodeOf(detail));
    }

    /// <returns>The code a ProblemDetails body carries, or null for any other body.</returns>
    internal static RefusalCode? CodeOf(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.ValueKind == JsonValueKind.Object &&
                   problem.RootElement.TryGetProperty(RefusalCodes.ProblemExtension, out var code) && code.ValueKind == JsonValueKind.String
                ? RefusalCodes.Parse(code.GetString())
                : null;
        }
        catch (JsonException) { return null; }
    }
}
