using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client.Outbox;
using Parley.Protocol;

namespace Parley.Client.Sessions;

/// <summary>What a join sent from its outbox file, as the log and the chat now hold it: the application
/// applies these as its own, since the run that wrote them is gone (Yjs ignores an update it has).</summary>
/// <param name="Dropped">Entries the server refuses for what they are (too large, malformed): left out for good.</param>
public sealed record OutboxResent(IReadOnlyList<DocEntry> Updates, IReadOnlyList<ChatEntry> Chat, IReadOnlyList<DroppedEntry> Dropped)
{
    public static readonly OutboxResent None = new([], [], []);
}

/// <summary>An outbox entry of <paramref name="Kind"/> (<c>doc-update</c> or <c>chat</c>) the server refused for good.</summary>
public sealed record DroppedEntry(string Kind, byte[] Plaintext, RefusalCode Code);

// The persisted outbox (docs/protocol.md, "Unsent work kept by the .NET client"): PushUpdateAsync
// and SendChatAsync keep each entry on disk before it leaves and mark it done at its acknowledgement;
// the next join with the file sends what is left, once: a chat message under its first id (the
// server keeps one copy per sender and id) unless its stream moved past it, an update only if the
// log does not hold it already.
public sealed partial class RoomSession
{
    // Refused for what the entry is, not for when it came: sent again, it would be refused again, at every join.
    static readonly HashSet<RefusalCode> Unsendable =
        [RefusalCode.EnvelopeTooLarge, RefusalCode.EnvelopeMalformed, RefusalCode.MessageIdMalformed, RefusalCode.ArgumentInvalid];

    // Looking for landed updates reads at most this many pages of the log (the log since the last snapshot is bounded too).
    const int MaxLandedPages = 1000;

    SessionOutbox? outbox;

    /// <summary>Test-only: the outbox file (null without one).</summary>
    internal SessionOutbox? PersistedOutbox => outbox;

    async Task<OutboxResent> ResendOutboxAsync(CancellationToken ct)
    {
        if (outbox is null) return OutboxResent.None;
        outbox.Remember(Credentials, keys.Device);
        // Waiting in the lobby, or no key yet: nothing can be sealed; the entries wait for a later join.
        if (Waiting || !keys.HasCurrentKey) return OutboxResent.None;
        var landed = await LandedAsync([.. outbox.Pending().OfType<PendingUpdate>().Where(u => u.SealedFor == MemberId)
            .Select(u => (Convert.ToBase64String(u.Envelope.Iv), u.AfterSeq))], ct);
        var (updates, chat, dropped) = (new List<DocEntry>(), new List<ChatEntry>(), new List<DroppedEntry>());
        foreach (var entry in outbox.Pending())
        {
            try
            {
                switch (entry)
                {
                    case PendingUpdate u when landed.TryGetValue(Convert.ToBase64String(u.Envelope.Iv), out var seq):
                        outbox.Done(u.Id);
                        updates.Add(new DocEntry(seq, MemberId, u.Plaintext));
                        break;
                    case PendingUpdate u:
                        updates.Add(new DocEntry((await PushUpdateAsync(u.Plaintext, ct)).Seq, MemberId, u.Plaintext));
                        break;
                    case PendingChat c:
                        chat.Add(await ResendChatAsync(c, ct));
                        break;
                }
            }
            catch (HubException e) when (e.RefusalCode() is { } code && Unsendable.Contains(code))
            {
                outbox.Done(entry.Id);
                dropped.Add(entry is PendingChat c
                    ? new DroppedEntry(EnvelopeKind.Chat, c.Plaintext, code)
                    : new DroppedEntry(EnvelopeKind.DocUpdate, ((PendingUpdate)entry).Plaintext, code));
            }
        }
        return new OutboxResent(updates, chat, dropped);
    }

    async Task<ChatEntry> ResendChatAsync(PendingChat chat, CancellationToken ct)
    {
        var id = chat.ClientMessageId;
        // A later message of its stream went first: under its own id receivers would refuse it as out of
        // order, so it takes this session's next one (if its first try landed after all, it shows twice, as in the browser).
        if (chat.IsRenumbered) outbox!.Renumber(chat, id = NextChatId());
        var ack = await SendChatAsync(id, chat.Plaintext, ct);
        return new ChatEntry(ack.Seq, MemberId, id, DateTimeOffset.FromUnixTimeMilliseconds(ack.SentAt), chat.Plaintext);
    }

    /// <summary>
    /// Which of these pushes the log holds already, by iv: the run that sent them died after the
    /// server's commit but before the acknowledgement was written down. Sent again, they would be
    /// harmless to Yjs but stored twice.
    /// </summary>
    async Task<Dictionary<string, long>> LandedAsync(IReadOnlyList<(string Iv, long AfterSeq)> updates, CancellationToken ct)
    {
        var found = new Dictionary<string, long>();
        if (updates.Count == 0) return found;
        var ivs = updates.Select(u => u.Iv).ToHashSet();
        var after = updates.Min(u => u.AfterSeq);
        try
        {
            for (var pages = 0; pages < MaxLandedPages && found.Count < ivs.Count; pages++)
            {
                var page = await Connection.InvokeAsync<UpdatePage>(HubNames.FetchUpdates, RoomId, after, ct);
                foreach (var update in page.Updates)
                    if (update.Sender == MemberId && ivs.Contains(Convert.ToBase64String(update.Envelope.Iv)))
                        found[Convert.ToBase64String(update.Envelope.Iv)] = update.Seq;
                if (!page.More || page.Updates.Count == 0) break;
                after = page.Updates[^1].Seq;
            }
        }
        catch (HubException e) when (e.RefusalCode() == RefusalCode.SequenceInvalid)
        {
            // A snapshot replaced that part of the log: whether they landed cannot be told, so they go again.
        }
        return found;
    }
}
