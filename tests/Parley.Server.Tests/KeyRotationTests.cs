using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client;
using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>Grants and rotations (docs/protocol.md, "Keys"): who gets keys, who cannot, and what the server refuses.</summary>
public class KeyRotationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    // Making an RSA-3072 key takes a good part of a second, so the tests that need a device of
    // their own (a kicked member's, a forger's) share these two.
    static readonly Lazy<DeviceIdentity> KickedDevice = new(DeviceIdentity.Create);
    static readonly Lazy<DeviceIdentity> ForgerDevice = new(DeviceIdentity.Create);

    async Task<(NewRoom Room, RoomSession Creator)> RoomAsync()
    {
        var room = await fixture.NewRoomWithCreatorTokenAsync();
        var (creator, _) = await RoomSession.JoinAsCreatorAsync(fixture.Server.BaseUri, room);
        return (room, creator);
    }

    Task<(RoomSession Session, Catchup Catchup)> JoinAsync(NewRoom room, MemberCredentials? resume = null, DeviceIdentity? device = null,
        string? linkSecret = null) =>
        RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, linkSecret ?? room.LinkSecret, resume, device: device);

    [Fact]
    public async Task The_creator_makes_the_first_key_and_a_joiner_gets_it_by_grant()
    {
        var (room, alice) = await RoomAsync();
        await using var _a = alice;
        await alice.PushUpdateAsync(Text("first words"));
        var (bob, catchup) = await JoinAsync(room);
        await using var _b = bob;

        Assert.Equal(0, alice.Epoch);
        Assert.True(bob.Keys.HasCurrentKey);
        Assert.Equal(["first words"], catchup.Updates.Select(u => Encoding.UTF8.GetString(u.Plaintext)));
        Assert.Empty(bob.RefusedGrants);
    }

    [Fact]
    public async Task A_kicked_member_keeps_its_keys_yet_cannot_read_anything_sent_after_the_kick()
    {
        var (room, alice) = await RoomAsync();
        await using var _a = alice;
        var (bob, _) = await JoinAsync(room);
        var (mallory, _) = await JoinAsync(room, device: KickedDevice.Value);
        await using var _b = bob;
        await using var _m = mallory;
        var keptEpochs = Enumerable.Range(0, 1).Where(mallory.Keys.Has).ToList();
        var rotatedForBob = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.KeyRotated += e => rotatedForBob.TrySetResult(e);

        await alice.KickAsync(mallory.MemberId);
        await rotatedForBob.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Everything sent after the kick is of the new epoch, which mallory's kept keys do not open.
        var update = alice.Encrypt(EnvelopeKind.DocUpdate, Text("secret plan"));
        var chatId = bob.NextChatId();
        var chat = bob.Encrypt(EnvelopeKind.Chat, Text("a message"), chatId);
        await alice.PushUpdateAsync(Text("secret plan"));
        Assert.Equal([0], keptEpochs);
        Assert.Equal(1, update.Epoch);
        Assert.False(mallory.Keys.Has(1));
        Assert.Throws<KeyNotFoundException>(() => mallory.Decrypt(EnvelopeKind.DocUpdate, alice.MemberId, update));
        // Even with the old key tried on the new envelope by force: GCM refuses it.
        Assert.ThrowsAny<CryptographicException>(() => EnvelopeCipher.Decrypt(mallory.Keys.KeyFor(0),
            new EnvelopeContext(room.RoomId, EnvelopeKind.Chat, 1, bob.MemberId, chatId), chat));
        Assert.Equal("secret plan", Encoding.UTF8.GetString(bob.Decrypt(EnvelopeKind.DocUpdate, alice.MemberId, update)));
        // And the server no longer accepts what mallory could still seal under the old key (she is out anyway).
        Assert.Equal(RefusalCode.EpochStale, (await Assert.ThrowsAsync<HubException>(() => bob.Connection.InvokeAsync<PushResult>(
            HubNames.PushDocUpdate, room.RoomId, EnvelopeCipher.Encrypt(bob.Keys.KeyFor(0),
                new EnvelopeContext(room.RoomId, EnvelopeKind.DocUpdate, 0, bob.MemberId), Text("old key"))))).RefusalCode());
    }

    [Fact]
    public async Task After_a_kick_the_old_link_admits_nobody_new_and_the_kicked_device_cannot_return()
    {
        var (room, alice) = await RoomAsync();
        await using var _a = alice;
        var (bob, _) = await JoinAsync(room);
        var (mallory, _) = await JoinAsync(room, device: KickedDevice.Value);
        await using var _b = bob;
        await mallory.DisposeAsync();

        await alice.KickAsync(mallory.MemberId);
        await Eventually.True(() => bob.Secrets.LinkText == alice.Secrets.LinkText, "bob learnt the renewed link");

        Assert.NotEqual(room.LinkSecret, alice.Secrets.LinkText);
        Assert.Equal(RefusalCode.JoinKeyInvalid, (await Assert.ThrowsAsync<HubException>(() => JoinAsync(room))).RefusalCode());
        Assert.Equal(RefusalCode.MemberRemoved, (await Assert.ThrowsAsync<HubException>(() =>
            JoinAsync(room, device: KickedDevice.Value, linkSecret: alice.Secrets.LinkText))).RefusalCode());
        // Members resume with their credentials whatever link they hold; newcomers use the new link.
        var (bobAgain, _) = await JoinAsync(room, bob.Credentials);
        await using var _b2 = bobAgain;
        var (carol, _) = await JoinAsync(room, linkSecret: alice.Secrets.LinkText);
        await using var _c = carol;
        Assert.True(carol.Keys.HasCurrentKey);
    }

    [Fact]
    public async Task A_forged_join_without_the_link_secret_gets_no_grant_while_an_honest_one_does()
    {
        var (room, alice) = await RoomAsync();
        await using var _a = alice;
        // A joiner the server would let in (it has the join key) whose proof is made with another link.
        await using var forger = RoomSession.Connect(fixture.Server.BaseUri);
        await forger.StartAsync();
        var secrets = RoomSecrets.FromLinkSecret(room.LinkSecret);
        var device = ForgerDevice.Value;
        var wrongProof = KeyGrants.LinkProof(RoomSecrets.FromLinkSecret(RoomSecrets.NewLinkSecret()), room.RoomId, device.Keys);
        var granted = new ConcurrentQueue<Grant>();
        forger.On<string, IReadOnlyList<Grant>>(HubNames.KeysGranted, (_, grants) => { foreach (var g in grants) granted.Enqueue(g); });
        var forged = await forger.InvokeAsync<JoinResult>(HubNames.JoinRoom,
            new JoinRequest(room.RoomId, secrets.JoinKey, null, null, 0, Device: device.Keys, LinkProof: wrongProof));

        var (bob, _) = await JoinAsync(room);
        await using var _b = bob;
        // Alice saw both requests; by the time bob (who asked later) holds the key, she has answered the forger too.
        var again = await forger.InvokeAsync<JoinResult>(HubNames.JoinRoom,
            new JoinRequest(room.RoomId, secrets.JoinKey, forged.MemberId, forged.MemberToken, 0));

        Assert.True(bob.Keys.HasCurrentKey);
        Assert.Empty(granted);
        Assert.Empty(again.Grants);
        Assert.Contains(forged.MemberId, again.KeyRequests);
        // Holding no key, the forger cannot rotate one in either, even with a well-formed rotation.
        var rotation = alice.Keys.Rotate(renewLink: false).Rotation;
        Assert.Equal(RefusalCode.RotationForbidden, (await Assert.ThrowsAsync<HubException>(() =>
            forger.InvokeAsync(HubNames.RotateKey, room.RoomId, rotation))).RefusalCode());
    }

    [Fact]
    public async Task Nobody_but_the_creator_makes_a_rooms_first_key()
    {
        var room = await fixture.NewRoomWithCreatorTokenAsync();
        // Bob follows the link before the creator has opened the room: it has no key yet.
        var (bob, _) = await RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret, waitForKey: false);
        await using var _b = bob;
        var first = bob.Keys.Rotate(renewLink: false).Rotation;

        Assert.Equal(RefusalCode.RotationForbidden, (await Assert.ThrowsAsync<HubException>(() =>
            bob.Connection.InvokeAsync(HubNames.RotateKey, room.RoomId, first))).RefusalCode());

        var (alice, _) = await RoomSession.JoinAsCreatorAsync(fixture.Server.BaseUri, room);
        await using var _a = alice;
        Assert.Equal(0, alice.Epoch);
        await Eventually.True(() => bob.Keys.HasCurrentKey, "bob got the creator's first key");
        Assert.Equal(alice.Keys.KeyFor(0), bob.Keys.KeyFor(0));
    }

    [Fact]
    public async Task Rotations_that_skip_an_epoch_omit_a_member_or_come_from_a_keyless_caller_are_refused_and_change_nothing()
    {
        var (room, alice) = await RoomAsync();
        await using var _a = alice;
        var (bob, _) = await JoinAsync(room);
        await using var _b = bob;
        await using var outsider = RoomSession.Connect(fixture.Server.BaseUri);
        await outsider.StartAsync();
        var (good, _) = alice.Keys.Rotate(renewLink: false);
        var withoutBob = good with { Grants = good.Grants.Where(g => g.MemberId != bob.MemberId).ToList() };
        var skipping = good with { Epoch = 2, Grants = good.Grants.Select(g => g with { Epoch = 2 }).ToList() };
        var fromBob = bob.Keys.Rotate(renewLink: true).Rotation;
        var tooMany = good with { Grants = Enumerable.Repeat(good.Grants[0], Limits.MaxGrantsPerCall + 1).ToList() };

        Task Rotate(RoomSession s, Rotation r) => s.Connection.InvokeAsync(HubNames.RotateKey, room.RoomId, r);
        Assert.Equal(RefusalCode.RotationIncomplete, (await Assert.ThrowsAsync<HubException>(() => Rotate(alice, withoutBob))).RefusalCode());
        Assert.Equal(RefusalCode.RotationStale, (await Assert.ThrowsAsync<HubException>(() => Rotate(alice, skipping))).RefusalCode());
        Assert.Equal(RefusalCode.GrantsTooMany, (await Assert.ThrowsAsync<HubException>(() => Rotate(alice, tooMany))).RefusalCode());
        Assert.Equal(RefusalCode.NotMember, (await Assert.ThrowsAsync<HubException>(() => outsider.InvokeAsync(HubNames.RotateKey, room.RoomId, good))).RefusalCode());
        Assert.Equal(RefusalCode.GrantMalformed, (await Assert.ThrowsAsync<HubException>(() => Rotate(bob, good))).RefusalCode());
        Assert.Equal(RefusalCode.NotCreator, (await Assert.ThrowsAsync<HubException>(() => Rotate(bob, fromBob))).RefusalCode());

        // Nothing moved: the room is still at epoch 0 and a member's envelope of epoch 0 is accepted.
        var (probe, _) = await JoinAsync(room, bob.Credentials);
        await using var _p = probe;
        Assert.Equal(0, probe.Epoch);
        await bob.PushUpdateAsync(Text("still epoch 0"));
        // The well-formed rotation goes through, once.
        await Rotate(alice, good);
        Assert.Equal(RefusalCode.RotationStale, (await Assert.ThrowsAsync<HubException>(() => Rotate(alice, good))).RefusalCode());
    }

    [Fact]
    public async Task Grants_are_checked_who_grants_what_to_whom()
    {
        var (room, alice) = await RoomAsync();
        await using var _a = alice;
        var (bob, _) = await JoinAsync(room);
        await using var _b = bob;
        var other = await fixture.NewRoomWithCreatorTokenAsync();
        var (stranger, _) = await RoomSession.JoinAsCreatorAsync(fixture.Server.BaseUri, other);
        await using var _s = stranger;
        var strangerKeys = new MemberKeys(stranger.MemberId, stranger.Keys.Device.Keys.WrapKey, stranger.Keys.Device.Keys.SignKey, []);
        var bobKeys = alice.Keys.Directory.Single(m => m.MemberId == bob.MemberId);

        Task<int> Grant(RoomSession s, params Grant[] grants) => s.Connection.InvokeAsync<int>(HubNames.GrantKeys, room.RoomId, grants);
        var toStranger = KeyGrants.Make(alice.Keys.Device, alice.MemberId, room.RoomId, 0, strangerKeys, alice.Keys.KeyFor(0));
        var ofEpochOne = KeyGrants.Make(alice.Keys.Device, alice.MemberId, room.RoomId, 1, bobKeys, KeyGrants.NewRoomKey());
        var inAlicesName = KeyGrants.Make(bob.Keys.Device, alice.MemberId, room.RoomId, 0, bobKeys, bob.Keys.KeyFor(0));
        Assert.Equal(RefusalCode.MemberUnknown, (await Assert.ThrowsAsync<HubException>(() => Grant(alice, toStranger))).RefusalCode());
        Assert.Equal(RefusalCode.GrantEpochUnheld, (await Assert.ThrowsAsync<HubException>(() => Grant(alice, ofEpochOne))).RefusalCode());
        Assert.Equal(RefusalCode.GrantMalformed, (await Assert.ThrowsAsync<HubException>(() => Grant(bob, inAlicesName))).RefusalCode());
        // Bob already holds epoch 0: a second grant of it is stored no more; a call of more grants than the limit is refused whole.
        var toBobAgain = KeyGrants.Make(alice.Keys.Device, alice.MemberId, room.RoomId, 0, bobKeys, alice.Keys.KeyFor(0));
        Assert.Equal(0, await Grant(alice, toBobAgain));
        Assert.Equal(RefusalCode.GrantsTooMany, (await Assert.ThrowsAsync<HubException>(() =>
            Grant(alice, Enumerable.Repeat(toBobAgain, Limits.MaxGrantsPerCall + 1).ToArray()))).RefusalCode());

        // With history hidden, only the current epoch may be granted.
        await alice.SetHistoryVisibleAsync(false);
        await alice.RotateAsync();
        var (carol, _) = await JoinAsync(room);
        await using var _c = carol;
        var carolKeys = alice.Keys.Directory.Single(m => m.MemberId == carol.MemberId);
        Assert.Equal(RefusalCode.HistoryHidden, (await Assert.ThrowsAsync<HubException>(() =>
            Grant(alice, KeyGrants.Make(alice.Keys.Device, alice.MemberId, room.RoomId, 0, carolKeys, alice.Keys.KeyFor(0))))).RefusalCode());
        Assert.False(carol.Keys.Has(0));
        Assert.True(carol.Keys.Has(1));
    }

    [Fact]
    public async Task A_joiner_with_history_hidden_reads_the_code_from_the_fresh_snapshot_but_not_older_chat()
    {
        var (room, alice) = await RoomAsync();
        await using var _a = alice;
        await alice.PushUpdateAsync(Text("v1"));
        await alice.PushSnapshotAsync(1, Text("state under epoch 0"));
        await alice.SendChatAsync("m1", Text("before"));
        await alice.SetHistoryVisibleAsync(false);
        await alice.RotateAsync();
        await alice.PushSnapshotAsync(1, Text("state under epoch 1"));

        var (carol, catchup) = await JoinAsync(room);
        await using var _c = carol;

        Assert.Equal("state under epoch 1", Encoding.UTF8.GetString(catchup.Snapshot!.Plaintext));
        var page = await carol.Connection.InvokeAsync<ChatPage>(HubNames.ChatHistory, room.RoomId, 0L, 10);
        Assert.Equal(0, Assert.Single(page.Messages).Envelope.Epoch);
        Assert.False(carol.Keys.Has(0));
    }

    [Fact]
    public async Task A_member_who_leaves_is_gone_and_another_member_rotates_the_key_without_them()
    {
        var (room, alice) = await RoomAsync();
        await using var _a = alice;
        var (bob, _) = await JoinAsync(room);
        var (carol, _) = await JoinAsync(room);
        await using var _b = bob;
        await using var _c = carol;
        var needed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.RotationNeeded += () => needed.TrySetResult();

        await carol.LeaveAsync();
        // Refused at once; the server closes the connection half a second later.
        Assert.Equal(RefusalCode.MemberDeparted, (await Assert.ThrowsAsync<HubException>(() => carol.PushUpdateAsync(Text("x")))).RefusalCode());
        await needed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        bob.Keys.Forget(carol.MemberId);
        await bob.RotateAsync();

        Assert.Equal(1, bob.Epoch);
        await Eventually.True(() => alice.Keys.Has(1), "alice got the new key");
        Assert.False(carol.Keys.Has(1));
        Assert.Equal(RefusalCode.CreatorCannotLeave, (await Assert.ThrowsAsync<HubException>(() => alice.LeaveAsync())).RefusalCode());
    }

    [Fact]
    public async Task A_named_room_keeps_its_name_through_a_rotation()
    {
        var (room, alice) = await RoomAsync();
        await using var _a = alice;
        await alice.SetRoomNameAsync("Design review");
        var (bob, _) = await JoinAsync(room);
        await using var _b = bob;
        Assert.Equal("Design review", bob.RoomName);

        var (withoutName, _) = alice.Keys.Rotate(renewLink: false);
        Assert.Equal(RefusalCode.RotationMalformed, (await Assert.ThrowsAsync<HubException>(() =>
            alice.Connection.InvokeAsync(HubNames.RotateKey, room.RoomId, withoutName with { RoomMeta = null }))).RefusalCode());
        await alice.RotateAsync();
        var (carol, _) = await JoinAsync(room);
        await using var _c = carol;
        Assert.Equal("Design review", carol.RoomName);
        Assert.Equal(RefusalCode.NotCreator, (await Assert.ThrowsAsync<HubException>(() => bob.SetRoomNameAsync("Mine now"))).RefusalCode());
    }
}
