using System.Net;

namespace Parley.Server.Tests;

public class HostingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_room_link_loads_the_bundled_app_with_nothing_from_a_cdn()
    {
        using var http = fixture.Server.CreateHttpClient();
        var page = await http.GetStringAsync("/r/Qx7pL2mN9vR4tY8wZ1aB3c");
        Assert.Contains("<div id=\"root\">", page);
        Assert.Equal(page, await http.GetStringAsync("/"));

        var assets = System.Text.RegularExpressions.Regex.Matches(page, "(?:src|href)=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(assets);
        foreach (var asset in assets.Where(a => !a.StartsWith("data:")))
        {
            Assert.StartsWith("/", asset);
            Assert.False(asset.StartsWith("//"), $"{asset} loads from another host");
            using var response = await http.GetAsync(asset);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
