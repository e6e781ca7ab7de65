using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;
using Parley.Testing.Cluster;

namespace Parley.Server.Tests;

/// <summary>
/// Two nodes behind nginx (docs/deployment: several nodes share PostgreSQL, Redis and the data
/// folder). Members connect to node A, node B or nginx and must not be able to tell: they see each
/// other's edits, chat and presence, and a creator's kick or terminate reaches them on any node.
/// </summary>
public class ScaleOutTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    ParleyCluster Cluster => fixture.Cluster;
    Uri NodeA => Cluster.NodeUri(0);
    Uri NodeB => Cluster.NodeUri(1);
    static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Members_spread_over_both_nodes_and_nginx_see_every_edit_and_chat_message()
    {
        var room = await ClusterFixture.NewRoomAsync(Cluster);
        var (alice, _) = await ClusterFixture.JoinAsync(NodeA, room, creator: true);
        await using var _a = alice;
        var members = new List<RoomSession> { alice };
        foreach (var at in new[] { NodeB, Cluster.ProxyUri, Cluster.ProxyUri })
            members.Add((await ClusterFixture.JoinAsync(at, room)).Session);
        await using var _m = new Disposables(members.Skip(1));
        var seen = members.Select(_ => new ConcurrentDictionary<long, string>()).ToArray();
        var chats = members.Select(_ => new ConcurrentDictionary<string, byte>()).ToArray();
        for (var m = 0; m < members.Count; m++)
        {
            var (mine, myChats) = (seen[m], chats[m]);
            members[m].UpdateReceived += e => mine[e.Seq] = Encoding.UTF8.GetString(e.Plaintext);
            members[m].ChatReceived += c => myChats[Encoding.UTF8.GetString(c.Plaintext)] = 0;
        }

        var acknowledged = new ConcurrentDictionary<long, string>();
        await Task.WhenAll(members.Select(async (member, m) =>
        {
            for (var i = 0; i < 25; i++)
            {
                var text = $"m{m}-{i}";
                var pushed = await member.PushUpdateAsync(Text(text));
                acknowledged[pushed.Seq] = text;
                seen[m][pushed.Seq] = text;
            }
            await member.SendChatAsync(Text($"hello from m{m}"));
        }));

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), acknowledged.Keys.Order());
        await Eventually.True(() => seen.All(s => s.Count == 100) && chats.All(c => c.Count >= members.Count - 1),
            "every member saw all 100 updates and every other member's chat", 20_000)
            .OrExplain(Cluster, () => string.Join("; ", seen.Select((s, m) => $"m{m}: {s.Count} updates, {chats[m].Count} chats")));
        Assert.All(seen, s => Assert.Equal(acknowledged.OrderBy(p => p.Key), s.OrderBy(p => p.Key)));
        for (var m = 0; m < members.Count; m++)
            Assert.All(Enumerable.Range(0, members.Count).Where(o => o != m), o => Assert.Contains($"hello from m{o}", chats[m].Keys));
    }

    [Fact]
    public async Task Presence_is_the_same_on_both_nodes_as_members_come_and_go()
    {
        var room = await ClusterFixture.NewRoomAsync(Cluster);
        var (alice, _) = await ClusterFixture.JoinAsync(NodeA, room, creator: true);
        await using var _a = alice;
        var atAlice = new ConcurrentQueue<string>();
        alice.MemberJoined += m => atAlice.Enqueue("+" + m);
        alice.MemberLeft += m => atAlice.Enqueue("-" + m);

        var (bob, _) = await ClusterFixture.JoinAsync(NodeB, room);
        await using var _b = bob;
        var atBob = new ConcurrentQueue<string>();
        bob.MemberJoined += m => atBob.Enqueue("+" + m);
        bob.MemberLeft += m => atBob.Enqueue("-" + m);
        Assert.Equal(new[] { alice.MemberId, bob.MemberId }.Order(), bob.Online.Order());
        await Eventually.True(() => atAlice.Contains("+" + bob.MemberId), "alice on node A saw bob join on node B", 5_000).OrExplain(Cluster);

        var (carol, _) = await ClusterFixture.JoinAsync(NodeA, room);
        Assert.Equal(new[] { alice.MemberId, bob.MemberId, carol.MemberId }.Order(), carol.Online.Order());
        await Eventually.True(() => atBob.Contains("+" + carol.MemberId), "bob on node B saw carol join on node A", 5_000).OrExplain(Cluster);

        await carol.DisposeAsync();
        await Eventually.True(() => atAlice.Contains("-" + carol.MemberId) && atBob.Contains("-" + carol.MemberId),
            "both nodes told their members that carol left", 5_000).OrExplain(Cluster);
        var (dave, _) = await ClusterFixture.JoinAsync(NodeB, room);
        await using var _d = dave;
        var (erin, _) = await ClusterFixture.JoinAsync(NodeA, room);
        await using var _e = erin;
        Assert.Equal(new[] { alice.MemberId, bob.MemberId, dave.MemberId }.Order(), dave.Online.Order());
        Assert.Equal(new[] { alice.MemberId, bob.MemberId, dave.MemberId, erin.MemberId }.Order(), erin.Online.Order());
    }

    [Fact]
    public async Task A_kick_on_node_A_cuts_off_the_member_on_node_B_at_once_and_nothing_later_reaches_it()
    {
        var room = await ClusterFixture.NewRoomAsync(Cluster);
        var (alice, _) = await ClusterFixture.JoinAsync(NodeA, room, creator: true);
        await using var _a = alice;
        var (bob, _) = await ClusterFixture.JoinAsync(NodeB, room);
        await using var _b = bob;
        var (carol, _) = await ClusterFixture.JoinAsync(NodeB, room);
        await using var _c = carol;
        var kickSeenByCarol = false;
        carol.MemberKicked += m => kickSeenByCarol |= m == bob.MemberId;
        var reachedBob = new ConcurrentQueue<long>();
        bob.UpdateReceived += e => reachedBob.Enqueue(e.Seq);
        bob.UndecryptableReceived += u => reachedBob.Enqueue(u.Seq);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.Connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        var before = (await alice.PushUpdateAsync(Text("before the kick"))).Seq;
        await Eventually.True(() => reachedBob.Contains(before), "bob saw the update before the kick", 5_000).OrExplain(Cluster);

        // Without the key rotation the browser adds: what is checked is the server cutting bob off, not the cipher.
        await alice.KickAsync(bob.MemberId, rotate: false);
        var after = new List<long>();
        for (var i = 0; i < 20; i++) after.Add((await alice.PushUpdateAsync(Text($"after the kick {i}"))).Seq);

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(5)).OrExplain(Cluster, () => "bob's connection on node B stayed open after the kick");
        Assert.Empty(reachedBob.Intersect(after));
        await Eventually.True(() => kickSeenByCarol, "carol on node B was told of the kick", 5_000).OrExplain(Cluster);
        var rejoin = await Assert.ThrowsAsync<HubException>(() => ClusterFixture.JoinAsync(NodeB, room, resume: bob.Credentials));
        Assert.Equal(RefusalCode.MemberRemoved, rejoin.RefusalCode());
    }

    [Fact]
    public async Task Terminating_on_one_node_ends_the_room_for_members_on_both()
    {
        var room = await ClusterFixture.NewRoomAsync(Cluster);
        var (alice, _) = await ClusterFixture.JoinAsync(NodeA, room, creator: true);
        await using var _a = alice;
        var others = new List<RoomSession>();
        foreach (var at in new[] { NodeA, NodeB, NodeB }) others.Add((await ClusterFixture.JoinAsync(at, room)).Session);
        await using var _o = new Disposables(others);
        var told = 0;
        foreach (var member in others) member.Terminated += () => Interlocked.Increment(ref told);
        await alice.PushUpdateAsync(Text("code"));

        await alice.TerminateAsync();

        await Eventually.True(() => told == others.Count, "every member, on both nodes, was told the room ended", 5_000).OrExplain(Cluster);
        await Eventually.True(() => others.All(m => m.Connection.State == HubConnectionState.Disconnected),
            "every member's connection was closed", 5_000).OrExplain(Cluster);
        foreach (var at in new[] { NodeA, NodeB, Cluster.ProxyUri })
        {
            var rejoin = await Assert.ThrowsAsync<HubException>(() => ClusterFixture.JoinAsync(at, room, resume: others[0].Credentials));
            Assert.Equal(RefusalCode.RoomEnded, rejoin.RefusalCode());
        }
    }
}

/// <summary>Disposes sessions made in a loop, as one <c>await using</c>.</summary>
sealed class Disposables(IEnumerable<IAsyncDisposable> items) : IAsyncDisposable
{
    readonly List<IAsyncDisposable> items = items.ToList();

    public async ValueTask DisposeAsync()
    {
        foreach (var item in items) await item.DisposeAsync();
    }
}

static class ClusterExplanations
{
    /// <summary>A wait or call that, when it times out or the server fails it, says what the nodes, nginx and PostgreSQL logged (and <paramref name="state"/>).</summary>
    public static async Task<T> OrExplain<T>(this Task<T> call, ParleyCluster cluster, Func<string>? state = null)
    {
        await ((Task)call).OrExplain(cluster, state);
        return await call;
    }

    /// <inheritdoc cref="OrExplain{T}"/>
    public static async Task OrExplain(this Task wait, ParleyCluster cluster, Func<string>? state = null)
    {
        try
        {
            await wait;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{state?.Invoke()}\n{cluster.Logs()}", e);
        }
        catch (HubException e)
        {
            throw new HubException($"{e.Message}\n{state?.Invoke()}\n{cluster.Logs()}", e);
        }
    }
}
