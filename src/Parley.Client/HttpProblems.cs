namespace Parley.Client;

static class HttpProblems
{
    /// <summary>Throws for an unsuccessful answer with the status and the server's own words (a ProblemDetails body).</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var detail = await response.Content.ReadAsStringAsync(ct);
        throw new HttpRequestException($"{(int)response.StatusCode}: {detail}", null, response.StatusCode);
    }
}
