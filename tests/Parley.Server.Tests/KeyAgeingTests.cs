using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;
using Parley.Client;
using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>A server whose keys grow old within seconds, by time, as a deployment may configure, so the real sweeper runs.</summary>
public sealed class OldKeysByTimeFixture : ServerFixture
{
    protected override Dictionary<string, string> Settings => new(base.Settings)
    {
        ["Parley__Keys__RotateAfter"] = "00:00:02",
        ["Parley__Keys__RotationAnswerWait"] = "00:00:05",
        ["Parley__Keys__SweepInterval"] = "00:00:00.200",
    };
}

/// <summary>Keys that grow old after a few envelopes, and members dropped after seconds away.</summary>
public sealed class OldKeysByUseFixture : ServerFixture
{
    public const int RotateAfterMessages = 5;

    protected override Dictionary<string, string> Settings => new(base.Settings)
    {
        ["Parley__Keys__RotateAfterMessages"] = RotateAfterMessages.ToString(),
        ["Parley__Keys__RotationAnswerWait"] = "00:00:01",
        ["Parley__Keys__DropAwayAfter"] = "00:00:03",
        ["Parley__Keys__SweepInterval"] = "00:00:00.200",
    };
}

static class KeyAgeing
{
    public const int WaitMs = 60_000;

    public static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    public static async Task<(NewRoom Room, RoomSession Creator)> RoomAsync(ServerFixture fixture)
    {
        var room = await fixture.NewRoomWithCreatorTokenAsync();
        var (creator, _) = await RoomSession.JoinAsCreatorAsync(fixture.Server.BaseUri, room);
        return (room, creator);
    }

    public static async Task<RoomSession> JoinAsync(ServerFixture fixture, NewRoom room, MemberCredentials? resume = null) =>
        (await RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret, resume)).Session;

    public static Task<long> GrantsAsync(ServerFixture fixture, string roomId, int epoch, string? granterId = null, string? memberId = null) =>
        fixture.CountAsync("""
            SELECT COUNT(*) FROM "Grants" WHERE "RoomId" = @p0 AND "Epoch" = @p1
                AND (@p2 = '' OR "GranterId" = @p2) AND (@p3 = '' OR "MemberId" = @p3)
            """, roomId, epoch, granterId ?? "", memberId ?? "");
}

public class KeyAgeingByTimeTests(OldKeysByTimeFixture fixture) : IClassFixture<OldKeysByTimeFixture>
{
    [Fact]
    public async Task A_key_older_than_RotateAfter_is_rotated_by_the_one_member_the_server_asks()
    {
        var (room, alice) = await KeyAgeing.RoomAsync(fixture);
        await using var _a = alice;
        var bob = await KeyAgeing.JoinAsync(fixture, room);
        await using var _b = bob;

        // The key keeps ageing while the test runs (a rotation every few seconds): epoch 1 is the one looked at.
        await Eventually.True(() => alice.Epoch >= 1 && bob.Keys.Has(1), "the old key was rotated", KeyAgeing.WaitMs);

        // Nobody kicked or left, nobody called RotateKey by hand: a member the server asked rotated.
        // (The server's log line may reach the test a moment after the rotation.)
        HashSet<string> Asked() => Regex.Matches(fixture.Server.Log, $@"Member (\S+) was asked to rotate room {room.RoomId}'s old key epoch 0\b")
            .Select(m => m.Groups[1].Value).ToHashSet();
        async Task<long> GrantedByAskedAsync()
        {
            var granted = 0L;
            foreach (var id in Asked()) granted += await KeyAgeing.GrantsAsync(fixture, room.RoomId, 1, granterId: id);
            return granted;
        }
        await Eventually.TrueAsync(async () => await GrantedByAskedAsync() == 2, "epoch 1 granted to both by a member asked", KeyAgeing.WaitMs);
        Assert.Subset(new HashSet<string> { alice.MemberId, bob.MemberId }, Asked());
        Assert.NotNull(alice.KeyChangedAt);
    }
}

public class KeyAgeingByUseTests(OldKeysByUseFixture fixture) : IClassFixture<OldKeysByUseFixture>
{
    [Fact]
    public async Task A_key_used_for_RotateAfterMessages_updates_and_chat_messages_is_rotated()
    {
        var (room, alice) = await KeyAgeing.RoomAsync(fixture);
        await using var _a = alice;
        var bob = await KeyAgeing.JoinAsync(fixture, room);
        await using var _b = bob;
        var firstKeyAt = bob.KeyChangedAt;

        for (var i = 1; i < OldKeysByUseFixture.RotateAfterMessages - 1; i++) await alice.PushUpdateAsync(KeyAgeing.Text($"line {i}"));
        await bob.SendChatAsync(KeyAgeing.Text("one message"));
        Assert.Equal(OldKeysByUseFixture.RotateAfterMessages - 1,
            await fixture.CountAsync("""SELECT "EpochEnvelopes" FROM "Rooms" WHERE "Id" = @p0""", room.RoomId));
        Assert.Equal(0, bob.Epoch);
        await bob.SendChatAsync(KeyAgeing.Text("the last one under this key"));

        await Eventually.True(() => alice.Epoch == 1 && bob.Epoch == 1 && alice.Keys.Has(1) && bob.Keys.Has(1), "the used key was rotated",
            KeyAgeing.WaitMs);
        Assert.True(bob.KeyChangedAt > firstKeyAt);
        // The new key starts its own count; what was sent under the old one reads as before.
        await alice.PushUpdateAsync(KeyAgeing.Text("under the new key"));
        Assert.Equal(1, await fixture.CountAsync("""SELECT "EpochEnvelopes" FROM "Rooms" WHERE "Id" = @p0""", room.RoomId));
    }

    [Fact]
    public async Task When_the_member_asked_to_rotate_does_not_another_member_is_asked_and_does()
    {
        var (room, alice) = await KeyAgeing.RoomAsync(fixture);
        await using var _a = alice;
        alice.AnswersRotationRequests = false;
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.RotationRequested += _ => asked.TrySetResult();
        for (var i = 0; i < OldKeysByUseFixture.RotateAfterMessages; i++) await alice.PushUpdateAsync(KeyAgeing.Text($"line {i}"));
        // Alone in the room, alice is the one asked; she lets it pass.
        await asked.Task.WaitAsync(TimeSpan.FromMilliseconds(KeyAgeing.WaitMs));

        var bob = await KeyAgeing.JoinAsync(fixture, room);
        await using var _b = bob;

        await Eventually.True(() => alice.Epoch == 1 && alice.Keys.Has(1), "bob, asked next, rotated", KeyAgeing.WaitMs);
        Assert.Equal(2, await KeyAgeing.GrantsAsync(fixture, room.RoomId, 1, granterId: bob.MemberId));
    }

    [Fact]
    public async Task A_member_away_past_DropAwayAfter_gets_no_later_key_and_comes_back_through_the_link_as_a_newcomer()
    {
        var (room, alice) = await KeyAgeing.RoomAsync(fixture);
        await using var _a = alice;
        var bob = await KeyAgeing.JoinAsync(fixture, room);
        await using var _b = bob;
        var carol = await KeyAgeing.JoinAsync(fixture, room);
        var (carolsId, carolsCredentials) = (carol.MemberId, carol.Credentials);
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.MemberDeparted += id => { if (id == carolsId) dropped.TrySetResult(); };
        await carol.DisposeAsync();

        await dropped.Task.WaitAsync(TimeSpan.FromMilliseconds(KeyAgeing.WaitMs));
        await alice.RotateAsync();

        // The rotation needed no grant for carol, and the server takes none for her.
        Assert.Equal(0, await KeyAgeing.GrantsAsync(fixture, room.RoomId, 1, memberId: carolsId));
        Assert.Equal(2, await KeyAgeing.GrantsAsync(fixture, room.RoomId, 1));
        var device = DeviceIdentity.ForThisProcess;
        var carolsKeys = new MemberKeys(carolsId, device.Keys.WrapKey, device.Keys.SignKey,
            KeyGrants.LinkProof(RoomSecrets.FromLinkSecret(room.LinkSecret), room.RoomId, device.Keys));
        Assert.Equal(RefusalCode.MemberUnknown, (await Assert.ThrowsAsync<HubException>(() => alice.GrantAsync(carolsKeys))).RefusalCode());
        // Her stored credentials no longer resume her: she joins anew through the link and is granted like any newcomer.
        var carolAgain = await KeyAgeing.JoinAsync(fixture, room, carolsCredentials);
        await using var _c = carolAgain;
        Assert.NotEqual(carolsId, carolAgain.MemberId);
        Assert.True(carolAgain.Keys.HasCurrentKey);
        Assert.True(carolAgain.Keys.Has(0)); // history is visible in this room
    }
}
