using System.Net;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>What a request forwarded by a TLS-terminating proxy is believed to be.</summary>
public class ForwardedHeadersTests
{
    static async Task<HttpResponseMessage> ForwardedHttpsAsync(ParleyServerProcess server)
    {
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "parley.example.org";
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Https_forwarded_by_a_listed_proxy_gets_strict_transport_security()
    {
        await using var server = await ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["Parley__ForwardedHeaders__KnownProxies__0"] = "127.0.0.1",
        });
        using var response = await ForwardedHttpsAsync(server);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.TryGetValues("Strict-Transport-Security", out var hsts), "no HSTS header");
        Assert.StartsWith("max-age=31536000", hsts!.Single());
    }

    [Fact]
    public async Task Forwarded_headers_from_an_unlisted_address_are_not_believed()
    {
        await using var server = await ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["Parley__ForwardedHeaders__KnownNetworks__0"] = "10.0.0.0/8",
        });
        using var response = await ForwardedHttpsAsync(server);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task A_proxy_that_is_not_an_address_stops_the_server_at_start()
    {
        // The process exits during start-up (its message may still be on its way when it does).
        await Assert.ThrowsAsync<InvalidOperationException>(() => ParleyServerProcess.StartAsync(
            settings: new Dictionary<string, string> { ["Parley__ForwardedHeaders__KnownProxies__0"] = "nginx" }));
    }
}
