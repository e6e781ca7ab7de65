using System.Net;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>Readiness as a load balancer or orchestrator sees it, on servers of their own that the tests break.</summary>
public class ReadinessTests
{
    [Fact]
    public async Task Ready_fails_naming_the_data_folder_when_free_space_is_under_the_threshold_while_live_stays_up()
    {
        await using var server = await ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["Parley__MinFreeDiskBytes"] = $"{long.MaxValue}",
        });
        using var http = server.CreateHttpClient();

        var (status, checks) = await HostingSecurityTests.HealthAsync(http, "/healthz/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", checks["data-folder"]);
        Assert.Equal("Healthy", checks["database"]);
        using var alias = await http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, alias.StatusCode);
        using var live = await http.GetAsync("/healthz/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Ready_fails_naming_the_database_when_its_file_is_gone_while_live_stays_up()
    {
        await using var server = await ParleyServerProcess.StartAsync();
        using var http = server.CreateHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await HostingSecurityTests.HealthAsync(http, "/healthz/ready")).Status);

        // As when the volume holding it is detached: the running process keeps its open handles,
        // but the next connection (and the next start) finds no database.
        var db = Path.Combine(server.DataDirectory, "parley.db");
        File.Move(db, db + ".moved");

        var (status, checks) = await HostingSecurityTests.HealthAsync(http, "/healthz/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", checks["database"]);
        using var live = await http.GetAsync("/healthz/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Ready_names_redis_while_it_is_down_and_recovers_when_it_is_back()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var server = await ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
        });
        using var http = server.CreateHttpClient();
        var (status, checks) = await HostingSecurityTests.HealthAsync(http, "/healthz/ready");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", checks["redis"]);

        await redis.StopAsync();
        (status, checks) = await HostingSecurityTests.HealthAsync(http, "/healthz/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", checks["redis"]);
        Assert.Equal("Healthy", checks["database"]);

        await redis.RestartAsync();
        await Eventually.TrueAsync(async () => (await HostingSecurityTests.HealthAsync(http, "/healthz/ready")).Status == HttpStatusCode.OK,
            "readiness once Redis is back", 20_000);
    }

    [Fact]
    public async Task A_negative_free_space_threshold_stops_the_server_at_start()
    {
        // The process exits during start-up (its message may still be on its way when it does).
        await Assert.ThrowsAsync<InvalidOperationException>(() => ParleyServerProcess.StartAsync(
            settings: new Dictionary<string, string> { ["Parley__MinFreeDiskBytes"] = "-1" }));
    }

    [Fact]
    public async Task PostgreSQL_without_a_connection_string_stops_the_server_at_start_and_says_what_to_set()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ParleyServerProcess.StartAsync(
            settings: new Dictionary<string, string> { ["Parley__Database__Provider"] = "PostgreSQL" }));
        Assert.Contains("Parley:Database:Provider is PostgreSQL, so ConnectionStrings:Parley must name the database", e.Message);
    }
}
