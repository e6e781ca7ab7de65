using System.Net;
using System.Text;
using Parley.Client.Sessions;
using Parley.Testing;
using Parley.Testing.Cluster;

namespace Parley.Server.Tests;

/// <summary>
/// Two nodes behind nginx under a steady push load while one part of the deployment fails: a node
/// is killed, Redis restarts, PostgreSQL restarts. Members carry on (rejoining where their
/// connection went away), nothing acknowledged is lost and nothing is stored twice. Each test
/// breaks a cluster of its own.
/// </summary>
public class ScaleOutFaultTests
{
    static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(20);
    const int MaxPushesEach = 1000;

    [Fact]
    public async Task Killing_a_node_under_load_loses_no_acknowledged_update_and_stores_none_twice()
    {
        await using var cluster = await ParleyCluster.StartAsync(extraSettings: ClusterFixture.Settings);
        var room = await ClusterFixture.NewRoomAsync(cluster);
        // Clients whose node dies come back through nginx, which then only has the other node.
        var members = new[]
        {
            await SteadyMember.JoinAsync(cluster.NodeUri(0), room, "alice", creator: true, rejoinAt: cluster.ProxyUri).OrExplain(cluster),
            await SteadyMember.JoinAsync(cluster.NodeUri(1), room, "bob", rejoinAt: cluster.ProxyUri).OrExplain(cluster),
            await SteadyMember.JoinAsync(cluster.NodeUri(1), room, "carol", rejoinAt: cluster.ProxyUri).OrExplain(cluster),
            await SteadyMember.JoinAsync(cluster.ProxyUri, room, "dave").OrExplain(cluster),
        };
        await using var _m = new Disposables(members);

        await UnderLoadAsync(cluster, members, async () =>
        {
            await cluster.KillNodeAsync(1);
        });

        Assert.All(members.Skip(1).Take(2), m => Assert.True(m.Rejoins >= 1, $"{m} did not rejoin after its node died"));
        await EveryAcknowledgedUpdateIsStoredOnceAndEveryMemberAgreesAsync(cluster, room, members);
    }

    [Fact]
    public async Task A_Redis_restart_loses_nothing_acknowledged_and_members_carry_on()
    {
        await using var cluster = await ParleyCluster.StartAsync(extraSettings: ClusterFixture.Settings);
        var room = await ClusterFixture.NewRoomAsync(cluster);
        var members = await OnEveryPathAsync(cluster, room);
        await using var _m = new Disposables(members);

        await UnderLoadAsync(cluster, members, async () =>
        {
            await cluster.Redis.StopAsync();
            await EveryNodeIsAsync(cluster, HttpStatusCode.ServiceUnavailable, "redis", "Unhealthy", 15_000);
            await cluster.Redis.RestartAsync();
            await EveryNodeIsAsync(cluster, HttpStatusCode.OK, "redis", "Healthy", 30_000);
        });

        await EveryAcknowledgedUpdateIsStoredOnceAndEveryMemberAgreesAsync(cluster, room, members);
    }

    [Fact]
    public async Task A_PostgreSQL_restart_refuses_pushes_while_down_and_loses_nothing_acknowledged()
    {
        await using var cluster = await ParleyCluster.StartAsync(extraSettings: ClusterFixture.Settings);
        var room = await ClusterFixture.NewRoomAsync(cluster);
        var members = await OnEveryPathAsync(cluster, room);
        await using var _m = new Disposables(members);

        await UnderLoadAsync(cluster, members, async () =>
        {
            var refusedBefore = members.Sum(m => m.Refusals);
            await cluster.StopPostgresAsync();
            await EveryNodeIsAsync(cluster, HttpStatusCode.ServiceUnavailable, "database", "Unhealthy", 15_000);
            await Eventually.True(() => members.Sum(m => m.Refusals) > refusedBefore, "a push was refused while PostgreSQL was down", 30_000)
                .OrExplain(cluster, () => string.Join("\n", members.Select(m => m.ToString())));
            await cluster.StartPostgresAsync();
            await EveryNodeIsAsync(cluster, HttpStatusCode.OK, "database", "Healthy", 30_000);
            // Ready again means serving again: a node's first join after the restart (bob on a second
            // device, say) must not trip over a pooled connection that died with the old PostgreSQL.
            for (var i = 0; i < cluster.NodeCount; i++)
            {
                var (joiner, _) = await ClusterFixture.JoinAsync(cluster.NodeUri(i), room, resume: members[1].Session.Credentials)
                    .OrExplain(cluster, () => $"the first join at node {i} once PostgreSQL was back");
                await joiner.DisposeAsync();
            }
        });

        await EveryAcknowledgedUpdateIsStoredOnceAndEveryMemberAgreesAsync(cluster, room, members);
    }

    /// <summary>Three members: one on each node and one through nginx (the first is the creator).</summary>
    static async Task<SteadyMember[]> OnEveryPathAsync(ParleyCluster cluster, NewRoom room) =>
    [
        await SteadyMember.JoinAsync(cluster.NodeUri(0), room, "alice", creator: true).OrExplain(cluster),
        await SteadyMember.JoinAsync(cluster.NodeUri(1), room, "bob").OrExplain(cluster),
        await SteadyMember.JoinAsync(cluster.ProxyUri, room, "carol").OrExplain(cluster),
    ];

    /// <summary>
    /// Runs every member's push loop, breaks something once each has been acknowledged a few times,
    /// and ends the load once each has been acknowledged a few more times after the break.
    /// </summary>
    internal static async Task UnderLoadAsync(ParleyCluster cluster, IReadOnlyList<SteadyMember> members, Func<Task> breakSomething)
    {
        var stop = false;
        var loads = members.Select(m => Task.Run(() => m.RunAsync(() => Volatile.Read(ref stop), MaxPushesEach, Pace, TimeSpan.FromSeconds(120)))).ToArray();
        string State() => string.Join("\n", members.Select(m => m.ToString()));
        try
        {
            await Eventually.True(() => members.All(m => m.Acknowledged.Count >= 10), "every member pushing", 20_000).OrExplain(cluster, State);
            await breakSomething();
            var atBreak = members.Select(m => m.Acknowledged.Count).ToArray();
            await Eventually.True(() => members.Select((m, i) => m.Acknowledged.Count >= atBreak[i] + 10).All(more => more),
                "every member pushing again after the break", 60_000).OrExplain(cluster, State);
        }
        finally
        {
            Volatile.Write(ref stop, true);
            await Task.WhenAll(loads).WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    internal static async Task EveryNodeIsAsync(ParleyCluster cluster, HttpStatusCode status, string check, string health, int timeoutMs)
    {
        for (var i = 0; i < cluster.NodeCount; i++)
        {
            using var http = cluster.Node(i).CreateHttpClient();
            await Eventually.TrueAsync(async () =>
            {
                var (actual, checks) = await HostingSecurityTests.HealthAsync(http, "/healthz/ready");
                return actual == status && checks.GetValueOrDefault(check) == health;
            }, $"node {i} ready {status} with {check} {health}", timeoutMs).OrExplain(cluster);
        }
    }

    /// <summary>
    /// A fresh member's catch-up holds every acknowledged update exactly once, under the seq it was
    /// acknowledged with, with no seq or text twice; every member ends up having seen the same log.
    /// </summary>
    internal static async Task EveryAcknowledgedUpdateIsStoredOnceAndEveryMemberAgreesAsync(ParleyCluster cluster, NewRoom room,
        IReadOnlyList<SteadyMember> members)
    {
        var acknowledged = members.SelectMany(m => m.Acknowledged).ToList();
        Assert.Equal(acknowledged.Count, acknowledged.Select(a => a.Key).Distinct().Count()); // no seq acknowledged to two pushes
        var (fresh, catchup) = await ClusterFixture.JoinAsync(cluster.ProxyUri, room).OrExplain(cluster);
        await using var _f = fresh;
        Assert.Null(catchup.Snapshot);
        var log = catchup.Updates.ToDictionary(u => u.Seq, u => Encoding.UTF8.GetString(u.Plaintext));
        Assert.Equal(Enumerable.Range(1, log.Count).Select(i => (long)i), log.Keys.Order());
        Assert.Empty(log.GroupBy(e => e.Value).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.All(acknowledged, a => Assert.Equal(a.Value, log.GetValueOrDefault(a.Key)));

        // Every member received every seq (live, in a rejoin's catch-up, or fetched for a gap as the
        // browser does: a node killed between its commit and its fan-out never delivers that update
        // live), and what it read under a seq is what the log holds.
        await Eventually.TrueAsync(async () => (await Task.WhenAll(members.Select(m => m.HasSeenUpToAsync(log.Count)))).All(done => done),
            "every member has seen the whole log", 20_000)
            .OrExplain(cluster, () => string.Join("\n", members.Select(m => $"{m} (of {log.Count})")));
        Assert.All(members, m => Assert.Empty(m.Conflicts));
        Assert.All(members, m => Assert.All(m.Seen, e => Assert.Equal(log.GetValueOrDefault(e.Key), e.Value)));
    }
}
