using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>A short join timeout and a small per-address cap, so both show within a test.</summary>
public sealed class ConnectionLimitFixture : ServerFixture
{
    public const int MaxPerAddress = 3;

    protected override Dictionary<string, string> Settings => new(base.Settings)
    {
        // Long enough for a cold client's first call (MessagePack builds its serializers on first use).
        ["Parley__Hub__JoinTimeout"] = "00:00:03",
        ["Parley__Hub__MaxConnectionsPerAddress"] = $"{MaxPerAddress}",
    };
}

public class ConnectionLimitTests(ConnectionLimitFixture fixture) : IClassFixture<ConnectionLimitFixture>
{
    [Fact]
    public async Task A_connection_that_never_joins_a_room_is_closed_while_one_that_joined_stays()
    {
        var room = await fixture.NewRoomAsync();
        var (member, _) = await fixture.JoinAsync(room);
        await using var _m = member;
        await using var idle = RoomSession.Connect(fixture.Server.BaseUri);
        var closed = new TaskCompletionSource();
        idle.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await idle.StartAsync();

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(HubConnectionState.Connected, member.Connection.State);
        await member.PushUpdateAsync([1]); // still served well after the join timeout passed
    }

    [Fact]
    public async Task Connections_beyond_the_per_address_cap_are_refused_with_rate_limited()
    {
        var open = new List<HubConnection>();
        try
        {
            for (var i = 0; i < ConnectionLimitFixture.MaxPerAddress; i++)
            {
                var c = RoomSession.Connect(fixture.Server.BaseUri);
                open.Add(c);
                await c.StartAsync();
                // Any JoinRoom counts as joining, so the join timeout leaves these open while the test runs.
                await Assert.ThrowsAsync<HubException>(() => c.InvokeAsync<JoinResult>(HubNames.JoinRoom,
                    new JoinRequest("no-such-room", new byte[32], null, null, 0)));
            }

            await using var extra = RoomSession.Connect(fixture.Server.BaseUri);
            var closed = new TaskCompletionSource<Exception?>();
            extra.Closed += e => { closed.TrySetResult(e); return Task.CompletedTask; };
            try { await extra.StartAsync(); } catch (Exception e) { closed.TrySetResult(e); }
            var why = await closed.Task.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Contains("rate-limited", why?.Message);
            Assert.All(open, c => Assert.Equal(HubConnectionState.Connected, c.State));
        }
        finally
        {
            foreach (var c in open) await c.DisposeAsync();
        }
    }
}
