using System.Security.Cryptography;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Protocol;

namespace Parley.Client.Sessions;

/// <summary>A chat message the session would not show, and why.</summary>
public sealed record RefusedChat(StoredChat Message, ChatVerdict Verdict);

public sealed partial class RoomSession
{
    readonly ChatMessageIds chatIds = new();
    readonly SenderOrder chatOrder = new();
    readonly SortedSet<long> chatSeqsRead = new();

    // A resume reads at most this many pages of missed chat (100 messages each); more is the caller's to page through.
    const int MaxCatchUpPages = 100;

    /// <summary>A message that decrypted, bound to its id, in its sender's order.</summary>
    public event Action<ChatEntry>? ChatReceived;

    /// <summary>A message refused: it does not decrypt, or it is a replay or out of its sender's order.</summary>
    public event Action<RefusedChat>? ChatRefused;

    /// <summary>The next id of this session's stream; ids must be sent in the order they are taken.</summary>
    public string NextChatId() => chatIds.Next();

    /// <summary>Sends under the next id of this session's stream.</summary>
    public Task<ChatAck> SendChatAsync(byte[] plaintext, CancellationToken ct = default) => SendChatAsync(NextChatId(), plaintext, ct);

    /// <summary>Sends under a given id: the same id again is a retry (the server stores the first copy only).</summary>
    public async Task<ChatAck> SendChatAsync(string clientMessageId, byte[] plaintext, CancellationToken ct = default)
    {
        // The outbox (RoomSession.Outbox.cs): on disk before it leaves, done once acknowledged.
        using var kept = outbox?.KeepChat(clientMessageId, plaintext);
        var ack = await Connection.InvokeAsync<ChatAck>(HubNames.SendChat, RoomId, clientMessageId,
            Encrypt(EnvelopeKind.Chat, plaintext, clientMessageId), ct);
        Read(ack.Seq);
        kept?.Done();
        chatOrder.Check(ack.Seq, MemberId, clientMessageId);
        return ack;
    }

    /// <summary>Newest first, before <paramref name="beforeSeq"/> (0 = from the newest); refused messages are left out (see <see cref="ChatRefused"/>).</summary>
    public async Task<(IReadOnlyList<ChatEntry> Messages, bool More)> ChatHistoryAsync(long beforeSeq, int limit, CancellationToken ct = default)
    {
        var page = await Connection.InvokeAsync<ChatPage>(HubNames.ChatHistory, RoomId, beforeSeq, limit, ct);
        return (OpenAll(page.Messages), page.More);
    }

    /// <summary>Oldest first, after <paramref name="afterSeq"/>; refused messages are left out (see <see cref="ChatRefused"/>).</summary>
    public async Task<(IReadOnlyList<ChatEntry> Messages, bool More)> ChatSinceAsync(long afterSeq, int limit, CancellationToken ct = default)
    {
        var page = await Connection.InvokeAsync<ChatPage>(HubNames.ChatSince, RoomId, afterSeq, limit, ct);
        return (OpenAll(page.Messages), page.More);
    }

    public Task SetTypingAsync(bool typing, CancellationToken ct = default) =>
        Connection.InvokeAsync(HubNames.SetTyping, RoomId, typing, ct);

    /// <summary>Runs of a sender's counters that no message carries, between messages with every seq between them read.</summary>
    public IReadOnlyList<ChatGap> ChatGaps()
    {
        lock (chatSeqsRead)
            return chatOrder.Gaps((from, to) => chatSeqsRead.GetViewBetween(from, to).Count == to - from + 1);
    }

    /// <summary>Checks and opens stored messages as this session would show them (pages, live events, or a test's own list).</summary>
    public IReadOnlyList<ChatEntry> OpenAll(IEnumerable<StoredChat> messages)
    {
        var list = messages.ToList();
        // Checked oldest first, so a page gives the same verdicts whichever way it runs; returned in the page's order.
        var opened = new Dictionary<StoredChat, ChatEntry>(ReferenceEqualityComparer.Instance);
        foreach (var chat in list.OrderBy(m => m.Seq))
            if (Open(chat) is { } entry) opened[chat] = entry;
        return list.Where(opened.ContainsKey).Select(m => opened[m]).ToList();
    }

    void OnChat(string room, StoredChat chat)
    {
        // A seq read already (the same message live again after a resume's catch-up, or a page brought it first) is shown once.
        if (room != RoomId || !FirstRead(chat.Seq)) return;
        if (Open(chat) is { } entry) ChatReceived?.Invoke(entry);
    }

    /// <summary>After a resume: the messages sent while this session was away, through <see cref="ChatReceived"/>.</summary>
    /// <param name="after">The newest seq read when the connection closed (<see cref="NewestChatRead"/>): a message
    /// heard live since the rejoin is newer than the ones sent while this session was away, so the catch-up cannot start from it.</param>
    async Task CatchUpChatAsync(long after, CancellationToken ct)
    {
        // A session that has read no chat leaves the history to its caller (ChatHistoryAsync).
        if (after == 0) return;
        for (var pages = 0; pages < MaxCatchUpPages; pages++)
        {
            var page = await Connection.InvokeAsync<ChatPage>(HubNames.ChatSince, RoomId, after, Limits.ChatMaxPage, ct);
            foreach (var chat in page.Messages) OnChat(RoomId, chat);
            if (!page.More || page.Messages.Count == 0) return;
            after = page.Messages[^1].Seq;
        }
    }

    long NewestChatRead()
    {
        lock (chatSeqsRead) return chatSeqsRead.Count == 0 ? 0 : chatSeqsRead.Max;
    }

    ChatEntry? Open(StoredChat chat)
    {
        Read(chat.Seq); // read, shown or not: a gap across a refused message is still a gap
        byte[] plaintext;
        try { plaintext = Decrypt(EnvelopeKind.Chat, chat.Sender, chat.Envelope, chat.ClientMessageId); }
        catch (Exception e) when (e is CryptographicException or KeyNotFoundException)
        {
            return Refuse(chat, ChatVerdict.Undecryptable);
        }
        // Only now: an id that did not verify proves nothing about its sender's order.
        var verdict = chatOrder.Check(chat.Seq, chat.Sender, chat.ClientMessageId);
        return verdict == ChatVerdict.InOrder
            ? new ChatEntry(chat.Seq, chat.Sender, chat.ClientMessageId, DateTimeOffset.FromUnixTimeMilliseconds(chat.SentAt), plaintext)
            : Refuse(chat, verdict);
    }

    ChatEntry? Refuse(StoredChat chat, ChatVerdict verdict)
    {
        ChatRefused?.Invoke(new RefusedChat(chat, verdict));
        return null;
    }

    void Read(long seq)
    {
        lock (chatSeqsRead) chatSeqsRead.Add(seq);
    }

    bool FirstRead(long seq)
    {
        lock (chatSeqsRead) return chatSeqsRead.Add(seq);
    }
}
