using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.Testing;
using Parley.Testing.Cluster;

namespace Parley.E2E;

/// <summary>Two people in Chromium on two nodes behind nginx, as they would be in a deployment that scaled out.</summary>
public partial class ScaleOutBrowserTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task People_on_different_nodes_edit_and_chat_together_and_go_on_through_another_node_when_theirs_is_killed()
    {
        await using var cluster = await ParleyCluster.StartAsync(2, new Dictionary<string, string> { ["Parley__Metrics__Enabled"] = "true" });
        var alice = await RoomPage.StartSessionAsync(await Fixture.NewPersonAsync(cluster.ProxyUri));
        var bob = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(cluster.ProxyUri), alice.Page.Url);
        await alice.WaitForMembersOnlineAsync(2);

        // nginx spreads connections round-robin; until each node holds one of the two, bob comes again.
        for (var attempt = 0; await ConnectionsAsync(cluster, 0) != 1 || await ConnectionsAsync(cluster, 1) != 1; attempt++)
        {
            Assert.True(attempt < 10, "nginx never put the two people on different nodes:\n" + cluster.Logs());
            await bob.Page.ReloadAsync();
            await bob.WaitForEditorAsync();
            await Eventually.TrueAsync(async () => await ConnectionsAsync(cluster, 0) + await ConnectionsAsync(cluster, 1) == 2,
                "the old connection to close and the new one to open", 20_000);
        }

        await alice.TypeAtEndAsync("alice on one node");
        await bob.WaitForCodeAsync(c => c.Contains("alice on one node"), "alice's edit at bob, across nodes");
        await bob.SendMessageAsync("bob on the other");
        await Assertions.Expect(alice.Message("bob on the other")).ToHaveCountAsync(1);

        // Whoever was on node 0 reconnects through nginx to node 1 and catches up there.
        await cluster.KillNodeAsync(0);
        // One after the other: two people typing at the end at once interleave their letters.
        await alice.TypeAtEndAsync(" after the kill");
        await bob.WaitForCodeAsync(c => c.Contains("after the kill"), "alice's edit at bob after the kill", 60_000);
        await bob.TypeAtEndAsync(" bob too");
        await alice.SendMessageAsync("still here");
        await alice.WaitForCodeAsync(c => c.Contains("bob too"), "bob's edit at alice after the kill", 60_000);
        var merged = await alice.CopyAllCodeAsync();
        Assert.Equal("alice on one node after the kill bob too", merged);
        await bob.WaitForCodeAsync(c => c == merged, "bob to converge with alice", 60_000);
        await Assertions.Expect(bob.Message("still here")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Assertions.Expect(alice.Message("bob on the other")).ToHaveCountAsync(1);
    }

    /// <summary>Hub connections open on a node, from its own /metrics.</summary>
    static async Task<int> ConnectionsAsync(ParleyCluster cluster, int node)
    {
        using var http = new HttpClient { BaseAddress = cluster.NodeUri(node) };
        var text = await http.GetStringAsync("/metrics");
        var sample = Connections().Match(text);
        return sample.Success ? (int)double.Parse(sample.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"^parley_connections(?:\{[^}]*\})? ([^ \n]+)", RegexOptions.Multiline)]
    private static partial Regex Connections();
}
