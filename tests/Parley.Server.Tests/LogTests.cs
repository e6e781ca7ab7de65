using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Testing;

namespace Parley.Server.Tests;

public class LogTests
{
    const string Marker = "logmarker";

    sealed record Line(int EventId, string Category, JsonElement State)
    {
        public string? this[string name] => State.TryGetProperty(name, out var v) ? v.ToString() : null;
    }

    [Fact]
    public async Task Room_events_and_refused_calls_are_one_json_line_each_with_ids_and_no_plaintext()
    {
        await using var server = await ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["Logging__Console__FormatterName"] = "json",
            ["Parley__Rooms__IdleExpiry"] = "00:00:05",
            ["Parley__Rooms__SweepInterval"] = "00:00:00.200",
        });
        // Made once per test process, which takes seconds on a busy machine: not while a room waits to be joined and may expire.
        _ = DeviceIdentity.ForThisProcess;
        using var http = server.CreateHttpClient();
        var room = await RoomSession.CreateRoomAsync(http);
        var (alice, _) = await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret, creatorToken: room.CreatorToken,
            profile: Encoding.UTF8.GetBytes($"{Marker} alice's name"));
        await using var _a = alice;
        var (bob, _) = await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret, profile: Encoding.UTF8.GetBytes($"{Marker} bob"));
        await using var _b = bob;
        await alice.PushUpdateAsync(Encoding.UTF8.GetBytes($"{Marker} code"));
        await alice.SendChatAsync("m1", Encoding.UTF8.GetBytes($"{Marker} chat"));
        await Assert.ThrowsAsync<HubException>(() => bob.TerminateAsync());
        await alice.KickAsync(bob.MemberId);
        await alice.TerminateAsync();
        var idle = await RoomSession.CreateRoomAsync(http);

        IReadOnlyList<Line> lines = [];
        await Eventually.True(() => (lines = Lines(server.Log)).Any(l => l.EventId == 1005), "the idle room's expiry to be logged", 30_000);

        Assert.Contains(lines, l => l is { EventId: 1001 } && l["RoomId"] == room.RoomId);
        Assert.Contains(lines, l => l is { EventId: 1001 } && l["RoomId"] == idle.RoomId);
        Assert.Contains(lines, l => l is { EventId: 1002 } && l["RoomId"] == room.RoomId && l["MemberId"] == alice.MemberId);
        Assert.Contains(lines, l => l is { EventId: 1002 } && l["RoomId"] == room.RoomId && l["MemberId"] == bob.MemberId);
        Assert.Contains(lines, l => l is { EventId: 1003 } && l["RoomId"] == room.RoomId && l["MemberId"] == bob.MemberId);
        Assert.Contains(lines, l => l is { EventId: 1004 } && l["RoomId"] == room.RoomId);
        Assert.Contains(lines, l => l is { EventId: 1005 } && l["RoomId"] == idle.RoomId);
        Assert.Contains(lines, l => l is { EventId: 1010 } && l["Method"] == "Terminate" && l["Code"] == "not-creator");
        Assert.DoesNotContain(Marker, server.Log, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The JSON console formatter's lines (one object per line); anything else the process printed is skipped.</summary>
    static List<Line> Lines(string log) => log.Split('\n')
        .Where(l => l.StartsWith('{'))
        .Select(l => JsonDocument.Parse(l).RootElement)
        .Select(e => new Line(e.GetProperty("EventId").GetInt32(), e.GetProperty("Category").GetString()!, e.GetProperty("State").Clone()))
        .ToList();
}
