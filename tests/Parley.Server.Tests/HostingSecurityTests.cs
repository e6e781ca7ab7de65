using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>Security headers, caching and compression of what the server sends, over real HTTP.</summary>
public partial class HostingSecurityTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    const string Immutable = "public, max-age=31536000, immutable";

    static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        var what = $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri!.PathAndQuery} ({(int)response.StatusCode})";
        var csp = Header(response, "Content-Security-Policy");
        Assert.True(csp is not null, $"{what} has no Content-Security-Policy");
        foreach (var directive in new[] { "default-src 'self'", "script-src 'self';", "worker-src 'self';", "connect-src 'self';",
                     "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'" })
            Assert.True(csp!.Contains(directive), $"{what}: CSP lacks {directive}");
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("same-origin", Header(response, "Cross-Origin-Opener-Policy"));
        var permissions = Header(response, "Permissions-Policy") ?? "";
        foreach (var feature in new[] { "camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()" })
            Assert.True(permissions.Contains(feature), $"{what}: Permissions-Policy lacks {feature}");
        // Plain HTTP to a loopback address: HSTS would be a promise the server cannot keep.
        Assert.Null(Header(response, "Strict-Transport-Security"));
    }

    static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values) : null;

    async Task<(string Page, List<string> Assets)> PageAsync(HttpClient http)
    {
        var page = await http.GetStringAsync("/r/Qx7pL2mN9vR4tY8wZ1aB3c");
        return (page, AssetReference().Matches(page).Select(m => m.Groups[1].Value).ToList());
    }

    [Fact]
    public async Task Every_kind_of_response_carries_the_security_headers()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        using var http = fixture.Server.CreateHttpClient();
        var uploaded = await alice.Files(http).UploadAsync(new GeneratedContent(5000, 3), 5000);
        var (_, assets) = await PageAsync(http);

        var requests = new List<HttpRequestMessage>
        {
            new(HttpMethod.Get, "/"),
            new(HttpMethod.Get, "/r/Qx7pL2mN9vR4tY8wZ1aB3c"),
            new(HttpMethod.Get, assets.First(a => a.EndsWith(".js"))),
            new(HttpMethod.Get, "/parley-download-sw.js"),
            new(HttpMethod.Get, "/api/limits"),
            new(HttpMethod.Post, "/hub/negotiate?negotiateVersion=1"),
            new(HttpMethod.Get, "/api/no-such-thing"),
            new(HttpMethod.Post, "/api/rooms") { Content = new StringContent("{", MediaTypeHeaderValue.Parse("application/json")) },
            new(HttpMethod.Get, "/healthz/ready"),
        };
        foreach (var request in requests)
        {
            using var response = await http.SendAsync(request);
            AssertSecurityHeaders(response);
        }

        using var blob = await alice.Files(http).GetContentAsync(uploaded.FileId);
        Assert.Equal(HttpStatusCode.OK, blob.StatusCode);
        AssertSecurityHeaders(blob);
        Assert.Equal("no-store", Header(blob, "Cache-Control"));
    }

    [Fact]
    public async Task Hashed_assets_come_brotli_compressed_and_cached_for_a_year_while_the_page_is_revalidated()
    {
        using var http = fixture.Server.CreateHttpClient();
        var (page, assets) = await PageAsync(http);
        Assert.Contains(assets, a => a.StartsWith("/assets/") && a.EndsWith(".js"));

        foreach (var asset in assets.Where(a => a.StartsWith("/assets/")))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, asset);
            request.Headers.AcceptEncoding.ParseAdd("br, gzip");
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
            Assert.Equal(Immutable, Header(response, "Cache-Control"));
            var compressed = await response.Content.ReadAsByteArrayAsync();

            using var plain = await http.GetAsync(asset);
            var original = await plain.Content.ReadAsByteArrayAsync();
            Assert.Empty(plain.Content.Headers.ContentEncoding);
            Assert.True(compressed.Length < original.Length / 2, $"{asset}: {compressed.Length} B compressed of {original.Length} B");
        }

        foreach (var path in new[] { "/", "/r/Qx7pL2mN9vR4tY8wZ1aB3c", "/index.html", "/parley-download-sw.js" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal("no-cache", Header(response, "Cache-Control"));
        }

        using var gzip = new HttpRequestMessage(HttpMethod.Get, assets.First(a => a.EndsWith(".js")));
        gzip.Headers.AcceptEncoding.ParseAdd("gzip");
        using var gzipped = await http.SendAsync(gzip);
        Assert.Equal(["gzip"], gzipped.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Api_and_hub_responses_are_never_stored()
    {
        using var http = fixture.Server.CreateHttpClient();
        using var limits = await http.GetAsync("/api/limits");
        Assert.Equal("no-store", Header(limits, "Cache-Control"));
        using var negotiate = await http.PostAsync("/hub/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        Assert.Equal("no-store", Header(negotiate, "Cache-Control"));
        using var missing = await http.GetAsync("/api/rooms/nope/files/nope/content");
        Assert.Equal("no-store", Header(missing, "Cache-Control"));
    }

    [Fact]
    public async Task Without_a_listed_proxy_a_claim_of_https_is_not_believed()
    {
        using var http = fixture.Server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "parley.example.org";
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Liveness_and_readiness_name_their_checks()
    {
        using var http = fixture.Server.CreateHttpClient();
        using var live = await http.GetAsync("/healthz/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var (status, checks) = await HealthAsync(http, "/healthz/ready");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", checks["database"]);
        Assert.Equal("Healthy", checks["data-folder"]);
    }

    internal static async Task<(HttpStatusCode Status, Dictionary<string, string> Checks)> HealthAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = body.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString()!);
        return (response.StatusCode, checks);
    }

    [GeneratedRegex("(?:src|href)=\"(/[^\"]+)\"")]
    private static partial Regex AssetReference();
}
