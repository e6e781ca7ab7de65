using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;
using Parley.Client;
using Parley.Client.Accounts;
using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Server.Hosting;
using Parley.Testing;

namespace Parley.Server.Tests;

public partial class MetricsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    const string Marker = "metricsmarker";

    /// <summary>Every family the dashboard (deploy/grafana/parley.json) draws, as the exporter names it.</summary>
    static readonly string[] Families =
    [
        "parley_connections", "parley_rooms_active", "parley_members_online", "parley_rooms_created_total",
        "parley_rooms_ended_total", "parley_stored_items_total", "parley_stored_bytes_total", "parley_ack_latency_seconds_count",
        "parley_batch_size_count", "parley_fanout_latency_seconds_count", "parley_refusals_total", "parley_rate_limited_total",
        "parley_key_rotations_total",
        // ASP.NET Core's and the runtime's meters.
        "http_server_request_duration_seconds_count", "kestrel_active_connections", "signalr_server_active_connections",
        "dotnet_gc_collections_total",
    ];

    [Fact]
    public async Task Metrics_are_not_found_when_off_and_the_web_app_is_not_served_in_their_place()
    {
        using var http = fixture.Server.CreateHttpClient();
        using var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("<div id=\"root\">", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_session_shows_in_every_family_and_no_label_or_value_carries_an_id_or_a_name()
    {
        await using var server = await ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["Parley__Metrics__Enabled"] = "true",
            ["Parley__Metrics__AllowedNetworks__0"] = "127.0.0.0/8",
            ["Parley__RoomsPerMinute"] = "2",
            ["Parley__Rooms__IdleExpiry"] = "00:00:05",
            ["Parley__Rooms__SweepInterval"] = "00:00:00.200",
        });
        // Made once per test process, which takes seconds on a busy machine: not while a room waits to be joined and may expire.
        _ = DeviceIdentity.ForThisProcess;
        var userName = Marker + "user" + Guid.NewGuid().ToString("N")[..8];
        using var account = new AccountClient(server.BaseUri);
        await account.RegisterAsync(userName, "a long enough password");
        await account.SignOutAsync();
        await account.SignInAsync(userName, "a long enough password");
        var room = await account.CreateRoomAsync();
        var (alice, _) = await RoomSession.JoinAsCreatorAsync(server.BaseUri, room);
        await using var _a = alice;
        var (bob, _) = await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret);
        await using var _b = bob;
        var (carol, _) = await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret);

        var received = 0;
        bob.UpdateReceived += _ => Interlocked.Increment(ref received);
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => alice.PushUpdateAsync(Encoding.UTF8.GetBytes($"{Marker} code {i}"))));
        await alice.SendChatAsync("m1", Encoding.UTF8.GetBytes($"{Marker} chat"));
        await Eventually.True(() => Volatile.Read(ref received) == 20, "bob to receive every update");
        var refused = await Assert.ThrowsAsync<HubException>(() => bob.KickAsync(alice.MemberId));
        Assert.Equal(RefusalCode.NotCreator, refused.RefusalCode());
        await alice.KickAsync(carol.MemberId); // rotates the key
        await carol.DisposeAsync();

        // The third room from this address in a minute is refused by the rate limit, the second one expires idle.
        using var http = server.CreateHttpClient();
        var idle = await RoomSession.CreateRoomAsync(http);
        var limited = await Assert.ThrowsAsync<HttpRefusalException>(() => RoomSession.CreateRoomAsync(http));
        Assert.Equal(RefusalCode.RateLimited, limited.Code);

        var text = await http.GetStringAsync("/metrics");
        for (var scrapes = 0; Value(text, "parley_rooms_ended_total") == 0; scrapes++)
        {
            Assert.True(scrapes < 300, "the idle room did not expire");
            await Task.Delay(100);
            text = await http.GetStringAsync("/metrics");
        }

        foreach (var family in Families) Assert.True(Value(text, family) > 0, $"{family} is zero or missing in:\n{text}");
        Assert.True(Value(text, "parley_stored_items_total", "kind=\"doc-update\"") >= 20);
        Assert.True(Value(text, "parley_stored_items_total", "kind=\"chat\"") >= 1);
        Assert.True(Value(text, "parley_refusals_total", "code=\"not-creator\"") >= 1);
        Assert.True(Value(text, "parley_rate_limited_total", "scope=\"rooms\"") >= 1);
        Assert.True(Value(text, "parley_rooms_ended_total", "reason=\"expired\"") >= 1);
        // The dashboard draws only what is served: each of its selectors names a family in the scrape.
        var served = Sample().Matches(text).Select(m => m.Groups["name"].Value).ToHashSet();
        var dashboard = await File.ReadAllTextAsync(Path.Combine(ParleyServerProcess.RepoRoot, "deploy", "grafana", "parley.json"));
        var drawn = Selector().Matches(dashboard).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Contains("parley_connections", drawn);
        Assert.All(drawn, name => Assert.Contains(name, served));
        foreach (var secret in new[] { Marker, room.RoomId, idle.RoomId, alice.MemberId, bob.MemberId, carol.MemberId })
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Metrics_are_forbidden_to_an_address_outside_the_allowed_networks()
    {
        await using var server = await ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["Parley__Metrics__Enabled"] = "true",
            ["Parley__Metrics__AllowedNetworks__0"] = "10.0.0.0/8",
            ["Parley__Metrics__AllowedNetworks__1"] = "fd00::/8",
        });
        using var http = server.CreateHttpClient();
        using var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("parley_", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("::1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("11.0.0.1", false)]
    [InlineData("fe80::1", false)]
    public void An_address_may_scrape_only_inside_an_allowed_network(string address, bool allowed)
    {
        var options = new MetricsOptions { AllowedNetworks = ["127.0.0.0/8", "10.0.0.0/8", "::1/128"] };
        Assert.Equal(allowed, options.Allows(IPAddress.Parse(address)));
        Assert.True(new MetricsOptions().Allows(IPAddress.Parse(address)), "with no networks listed, every address may");
    }

    /// <summary>The sum of a family's samples whose labels contain <paramref name="label"/>.</summary>
    static double Value(string text, string family, string label = "") =>
        Sample().Matches(text).Where(m => m.Groups["name"].Value == family && m.Groups["labels"].Value.Contains(label))
            .Sum(m => double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^}]*)\})? (?<value>[^ \n]+)", RegexOptions.Multiline)]
    private static partial Regex Sample();

    [GeneratedRegex(@"([a-z_]+)\{job=")]
    private static partial Regex Selector();
}
