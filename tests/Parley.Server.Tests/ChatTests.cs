using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

public class ChatTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);
    static string Read(ChatEntry e) => Encoding.UTF8.GetString(e.Plaintext);

    [Fact]
    public async Task Messages_arrive_live_in_order_with_the_servers_utc_time()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        var (bob, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        await using var _b = bob;
        var atBob = new ConcurrentQueue<ChatEntry>();
        bob.ChatReceived += atBob.Enqueue;
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);

        var acks = new List<ChatAck>();
        foreach (var text in new[] { "hello", "how's the `parser`?", "```\ncode\n```" })
            acks.Add(await alice.SendChatAsync(Text(text)));

        Assert.Equal([1L, 2, 3], acks.Select(a => a.Seq));
        await Eventually.True(() => atBob.Count == 3, "bob received three messages");
        Assert.Equal(["hello", "how's the `parser`?", "```\ncode\n```"], atBob.Select(Read));
        Assert.All(atBob, m => Assert.Equal(alice.MemberId, m.Sender));
        Assert.All(atBob, m => Assert.InRange(m.SentAt, before, DateTimeOffset.UtcNow.AddSeconds(5)));
        // The stored time, read back from the database, is the acknowledged one to the millisecond.
        var (history, _) = await bob.ChatHistoryAsync(0, 10);
        Assert.Equal(acks.Select(a => a.SentAt).Reverse(), history.Select(m => m.SentAt.ToUnixTimeMilliseconds()));
    }

    [Fact]
    public async Task History_comes_in_pages_newest_first_and_catch_up_oldest_first()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        // Sent all at once, so the server's order is not the order of writing: each on a stream of its own.
        await Task.WhenAll(Enumerable.Range(1, 250).Select(i => alice.SendChatAsync(new ChatMessageIds().Next(), Text($"message {i}"))));

        var pages = new List<IReadOnlyList<ChatEntry>>();
        long before = 0;
        bool more;
        do
        {
            var (messages, hasMore) = await alice.ChatHistoryAsync(before, 100);
            pages.Add(messages);
            (before, more) = (messages[^1].Seq, hasMore);
        } while (more);

        Assert.Equal([100, 100, 50], pages.Select(p => p.Count));
        Assert.Equal(Enumerable.Range(1, 250).Reverse().Select(i => (long)i), pages.SelectMany(p => p).Select(m => m.Seq));
        var (since, sinceMore) = await alice.ChatSinceAsync(240, 100);
        Assert.Equal(Enumerable.Range(241, 10).Select(i => (long)i), since.Select(m => m.Seq));
        Assert.False(sinceMore);
        var texts = pages.SelectMany(p => p).Select(Read).ToHashSet();
        Assert.Equal(250, texts.Count);
    }

    [Fact]
    public async Task A_message_resent_after_a_lost_acknowledgement_is_stored_and_delivered_once()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        var (bob, _) = await fixture.JoinAsync(room);
        await using var _b = bob;
        var atBob = new ConcurrentQueue<ChatEntry>();
        bob.ChatReceived += atBob.Enqueue;

        // Sent, then the connection dies before the sender trusts the ack; it reconnects and resends.
        var id = alice.NextChatId();
        var first = await alice.SendChatAsync(id, Text("sent while the network was flaky"));
        var credentials = alice.Credentials;
        await alice.DisposeAsync();
        var (aliceAgain, _) = await fixture.JoinAsync(room, credentials);
        await using var _a = aliceAgain;
        var acks = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            aliceAgain.SendChatAsync(id, Text("sent while the network was flaky"))));

        Assert.All(acks, a => Assert.Equal(first, a));
        var (history, _) = await bob.ChatHistoryAsync(0, 100);
        Assert.Single(history);
        await aliceAgain.SendChatAsync(Text("next"));
        await Eventually.True(() => atBob.Count == 2, "bob got both messages");
        Assert.Equal(["sent while the network was flaky", "next"], atBob.Select(Read));
    }

    [Fact]
    public async Task A_member_who_was_away_catches_up_with_what_it_missed()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        var (bob, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        await alice.SendChatAsync(Text("before"));
        var credentials = bob.Credentials;
        await bob.DisposeAsync();

        for (var i = 0; i < 3; i++) await alice.SendChatAsync(Text($"missed {i}"));
        var (bobAgain, _) = await fixture.JoinAsync(room, credentials);
        await using var _b = bobAgain;
        var (missed, _) = await bobAgain.ChatSinceAsync(1, 100);

        Assert.Equal(["missed 0", "missed 1", "missed 2"], missed.Select(Read));
    }

    [Fact]
    public async Task Typing_is_relayed_to_the_others_only()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        var (bob, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        await using var _b = bob;
        var atBob = new ConcurrentQueue<(string, bool)>();
        var atAlice = new ConcurrentQueue<(string, bool)>();
        bob.TypingChanged += (m, t) => atBob.Enqueue((m, t));
        alice.TypingChanged += (m, t) => atAlice.Enqueue((m, t));

        await alice.SetTypingAsync(true);
        await alice.SetTypingAsync(false);

        await Eventually.True(() => atBob.Count == 2, "bob saw alice start and stop typing");
        Assert.Equal([(alice.MemberId, true), (alice.MemberId, false)], atBob);
        Assert.Empty(atAlice);
    }

    [Fact]
    public async Task Oversize_malformed_and_outsider_chat_calls_are_refused_and_store_nothing()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;

        Assert.Equal(RefusalCode.EnvelopeTooLarge, (await Assert.ThrowsAsync<HubException>(() =>
            alice.SendChatAsync(new byte[64 * 1024]))).RefusalCode());
        Assert.Equal(RefusalCode.MessageIdMalformed, (await Assert.ThrowsAsync<HubException>(() =>
            alice.SendChatAsync("", Text("x")))).RefusalCode());
        Assert.Equal(RefusalCode.MessageIdMalformed, (await Assert.ThrowsAsync<HubException>(() =>
            alice.SendChatAsync(new string('x', 65), Text("x")))).RefusalCode());
        Assert.Equal(RefusalCode.PageInvalid, (await Assert.ThrowsAsync<HubException>(() =>
            alice.ChatHistoryAsync(0, 1000))).RefusalCode());

        await using var outsider = RoomSession.Connect(fixture.Server.BaseUri);
        await outsider.StartAsync();
        var envelope = alice.Encrypt(EnvelopeKind.Chat, Text("injected"), "x");
        Assert.Equal(RefusalCode.NotMember, (await Assert.ThrowsAsync<HubException>(() =>
            outsider.InvokeAsync<ChatAck>(HubNames.SendChat, room.RoomId, "x", envelope))).RefusalCode());
        Assert.Equal(RefusalCode.NotMember, (await Assert.ThrowsAsync<HubException>(() =>
            outsider.InvokeAsync<ChatPage>(HubNames.ChatHistory, room.RoomId, 0L, 10))).RefusalCode());
        Assert.Equal(RefusalCode.NotMember, (await Assert.ThrowsAsync<HubException>(() =>
            outsider.InvokeAsync(HubNames.SetTyping, room.RoomId, true))).RefusalCode());

        var (history, _) = await alice.ChatHistoryAsync(0, 100);
        Assert.Empty(history);
    }
}
