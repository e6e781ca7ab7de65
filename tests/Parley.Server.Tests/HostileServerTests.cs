using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Protocol;

namespace Parley.Server.Tests;

/// <summary>
/// The server as the adversary (docs/protocol.md, "What a malicious server can and cannot do"):
/// the test stands between the real server and a client and hands the client replayed, reordered,
/// thinned out and forged records; the client refuses each, or at least says what is missing.
/// </summary>
public class HostileServerTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);
    static string Read(ChatEntry e) => Encoding.UTF8.GetString(e.Plaintext);

    sealed record Chatting(TestRoom Room, RoomSession Alice, RoomSession Bob, StoredChat[] Stored, List<RefusedChat> RefusedAtBob)
        : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Alice.DisposeAsync();
            await Bob.DisposeAsync();
        }
    }

    /// <summary>Alice's "one", "two", "three" as the server stores them; Bob has read none of them yet.</summary>
    async Task<Chatting> ThreeMessagesAsync()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        foreach (var text in new[] { "one", "two", "three" }) await alice.SendChatAsync(Text(text));
        var (bob, _) = await fixture.JoinAsync(room); // after them: none came to Bob live
        var page = await bob.Connection.InvokeAsync<ChatPage>(HubNames.ChatSince, room.RoomId, 0L, 10);
        var refused = new List<RefusedChat>();
        bob.ChatRefused += refused.Add;
        return new Chatting(room, alice, bob, page.Messages.ToArray(), refused);
    }

    [Fact]
    public async Task A_replayed_chat_message_is_refused_and_the_original_shows_once()
    {
        await using var c = await ThreeMessagesAsync();
        var (one, two, three) = (c.Stored[0], c.Stored[1], c.Stored[2]);

        var shown = c.Bob.OpenAll([one, two, three, one with { Seq = 4 }]);

        Assert.Equal(["one", "two", "three"], shown.Select(Read));
        Assert.Equal((4L, ChatVerdict.Replayed), Assert.Single(c.RefusedAtBob.Select(r => (r.Message.Seq, r.Verdict))));
    }

    [Fact]
    public async Task Chat_messages_served_out_of_their_senders_order_are_refused()
    {
        await using var c = await ThreeMessagesAsync();
        var (one, two, three) = (c.Stored[0], c.Stored[1], c.Stored[2]);

        // The server swaps the first two: "two" now comes first. Newest first, as a history page runs.
        var shown = c.Bob.OpenAll([three, one with { Seq = 2 }, two with { Seq = 1 }]);

        Assert.Equal(["three", "two"], shown.Select(Read));
        Assert.Equal((2L, ChatVerdict.Reordered), Assert.Single(c.RefusedAtBob.Select(r => (r.Message.Seq, r.Verdict))));
    }

    [Fact]
    public async Task A_chat_message_the_server_drops_shows_as_a_gap_in_its_senders_counter()
    {
        await using var c = await ThreeMessagesAsync();
        var (one, three) = (c.Stored[0], c.Stored[2]);

        // The server deletes "two" and numbers what follows as if it had never been.
        var shown = c.Bob.OpenAll([one, three with { Seq = 2 }]);

        Assert.Equal(["one", "three"], shown.Select(Read));
        Assert.Empty(c.RefusedAtBob);
        Assert.Equal(new ChatGap(c.Alice.MemberId, 2, 1), Assert.Single(c.Bob.ChatGaps()));
    }

    [Fact]
    public async Task A_chat_message_not_yet_read_is_not_a_gap_and_the_full_log_has_none()
    {
        await using var c = await ThreeMessagesAsync();

        c.Bob.OpenAll([c.Stored[0], c.Stored[2]]); // seq 2 not read yet: it may simply be on the next page
        Assert.Empty(c.Bob.ChatGaps());
        c.Bob.OpenAll([c.Stored[1]]);

        Assert.Empty(c.Bob.ChatGaps());
        Assert.Empty(c.RefusedAtBob);
    }

    [Fact]
    public async Task Chat_messages_under_another_sender_an_invented_member_or_another_id_do_not_open()
    {
        await using var c = await ThreeMessagesAsync();
        var one = c.Stored[0];
        var flipped = (byte[])one.Envelope.Ciphertext.Clone();
        flipped[0] ^= 1;
        var elsewhere = await fixture.NewRoomAsync();
        var (stranger, _) = await fixture.JoinAsync(elsewhere);
        await using var _s = stranger;
        var id = stranger.NextChatId();
        var fromAnotherRoom = new StoredChat(5, c.Alice.MemberId, id, one.SentAt, stranger.Encrypt(EnvelopeKind.Chat, Text("other room"), id));

        var shown = c.Bob.OpenAll([
            one with { Sender = c.Bob.MemberId },
            one with { Seq = 2, Sender = "gh0stMemberAAAAAAAAAAA" },
            one with { Seq = 3, ClientMessageId = one.ClientMessageId[..^1] + "9" },
            one with { Seq = 4, Envelope = one.Envelope with { Ciphertext = flipped } },
            fromAnotherRoom,
        ]);

        Assert.Empty(shown);
        Assert.Equal(Enumerable.Repeat(ChatVerdict.Undecryptable, 5), c.RefusedAtBob.Select(r => r.Verdict));
    }

    [Fact]
    public async Task A_snapshot_from_another_room_kind_sender_or_epoch_does_not_open()
    {
        await using var c = await ThreeMessagesAsync();
        await c.Alice.PushUpdateAsync(Text("code"));
        var snapshot = c.Alice.Encrypt(EnvelopeKind.DocSnapshot, Text("the code"));
        var elsewhere = await fixture.NewRoomAsync();
        var (stranger, _) = await fixture.JoinAsync(elsewhere);
        await using var _s = stranger;

        Assert.Equal("the code", Encoding.UTF8.GetString(c.Bob.Decrypt(EnvelopeKind.DocSnapshot, c.Alice.MemberId, snapshot)));
        Assert.ThrowsAny<CryptographicException>(() =>
            c.Bob.Decrypt(EnvelopeKind.DocSnapshot, stranger.MemberId, stranger.Encrypt(EnvelopeKind.DocSnapshot, Text("other"))));
        Assert.ThrowsAny<CryptographicException>(() =>
            c.Bob.Decrypt(EnvelopeKind.DocSnapshot, c.Alice.MemberId, c.Alice.Encrypt(EnvelopeKind.DocUpdate, Text("an update"))));
        Assert.ThrowsAny<CryptographicException>(() => c.Bob.Decrypt(EnvelopeKind.DocSnapshot, c.Bob.MemberId, snapshot));
        Assert.ThrowsAny<Exception>(() => c.Bob.Decrypt(EnvelopeKind.DocSnapshot, c.Alice.MemberId, snapshot with { Epoch = snapshot.Epoch + 1 }));
    }

    [Fact]
    public async Task A_member_the_server_invents_is_granted_no_key_it_can_open()
    {
        await using var c = await ThreeMessagesAsync();
        var bobInDirectory = c.Alice.Keys.Directory.Single(m => m.MemberId == c.Bob.MemberId);
        var servers = DeviceIdentity.Create();
        var wrongLink = RoomSecrets.FromLinkSecret(RoomSecrets.NewLinkSecret());
        MemberKeys Invented(byte[] proof) => new("gh0stMemberAAAAAAAAAAA", servers.Keys.WrapKey, servers.Keys.SignKey, proof);

        Assert.Empty(c.Alice.Keys.GrantsFor(Invented([])));
        Assert.Empty(c.Alice.Keys.GrantsFor(Invented(new byte[32])));
        Assert.Empty(c.Alice.Keys.GrantsFor(Invented(KeyGrants.LinkProof(wrongLink, c.Room.RoomId, servers.Keys))));
        Assert.Empty(c.Alice.Keys.GrantsFor(Invented(bobInDirectory.LinkProof))); // Bob's proof covers Bob's keys only

        // Bob's own keys and proof under a new id: the grant is wrapped for Bob's device, which the server does not hold.
        var copy = bobInDirectory with { MemberId = "gh0stMemberAAAAAAAAAAA" };
        var grant = Assert.Single(c.Alice.Keys.GrantsFor(copy));
        Assert.ThrowsAny<CryptographicException>(() => KeyGrants.Open(servers, c.Room.RoomId, grant, c.Alice.Keys.Device.Keys.SignKey));
    }
}
