using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Protocol;

namespace Parley.Client.Sessions;

// Automatic resume, as the browser reconnects (DESIGN.md §6, "Reconnect"): when the connection
// closes for any reason but this session's own end (DisposeAsync, a kick of this member, the room
// terminated), a new connection to the same address (through a load balancer, perhaps another node)
// joins again as the same member from LastSeq. What was missed goes through the ordered path, so
// UpdateReceived still sees each seq once, in order. Pushes made meanwhile fail and the caller
// retries: nothing acknowledged is lost, since acknowledgements come only after the commit.
public sealed partial class RoomSession
{
    /// <summary>Where and how the session connected, to connect the same way again.</summary>
    sealed record Reconnection(Uri Server, CookieContainer? Cookies, IPAddress? LocalAddress, string? Password, bool Enabled);

    static readonly TimeSpan MaxResumeWait = TimeSpan.FromSeconds(5);

    // A join refused with one of these would be refused again: the room or the membership is gone.
    static readonly HashSet<RefusalCode> FinalRefusals =
    [
        RefusalCode.RoomUnknown, RefusalCode.RoomEnded, RefusalCode.RoomExpired, RefusalCode.JoinKeyInvalid,
        RefusalCode.MemberRemoved, RefusalCode.MemberDeparted, RefusalCode.JoinRefused,
    ];

    readonly Reconnection reconnection;
    readonly CancellationTokenSource lifetime = new();
    volatile bool ended;
    int resuming;

    /// <summary>Whether this session connects and joins again by itself when its connection closes.</summary>
    public bool AutoResume => reconnection.Enabled;

    /// <summary>The connection closed (with its error, if any) and the session is connecting again.</summary>
    public event Action<Exception?>? Reconnecting;

    /// <summary>Joined again on a new connection; what was missed meanwhile has been delivered.</summary>
    public event Action? Reconnected;

    /// <summary>The server refused the join for good (the room ended, this member was removed): the session stays closed.</summary>
    public event Action<Exception>? ResumeFailed;

    /// <summary>Test-only: awaited before each attempt, so a test can keep the session away for a while.</summary>
    internal Func<Task>? BeforeResumeAttempt { get; set; }

    /// <summary>Test-only: awaited after a resume has joined and before it catches up on chat, when live messages already arrive.</summary>
    internal Func<Task>? BeforeChatCatchUp { get; set; }

    Task OnClosed(HubConnection connection, Exception? error)
    {
        // A connection of a failed attempt, or a close while resuming already: the attempt in progress sees it.
        if (!reconnection.Enabled || ended || lifetime.IsCancellationRequested || connection != Connection) return Task.CompletedTask;
        if (Interlocked.CompareExchange(ref resuming, 1, 0) != 0) return Task.CompletedTask;
        _ = Task.Run(() => ResumeAsync(error));
        return Task.CompletedTask;
    }

    async Task ResumeAsync(Exception? error)
    {
        Reconnecting?.Invoke(error);
        // Read before any attempt joins: from then on, live messages arrive ahead of the catch-up.
        var chatAfter = NewestChatRead();
        for (var attempt = 0; ; attempt++)
        {
            HubConnection? connection = null;
            try
            {
                await Task.Delay(Backoff(attempt), lifetime.Token);
                if (BeforeResumeAttempt is { } hook) await hook();
                connection = Connect(reconnection.Server, reconnection.Cookies, reconnection.LocalAddress);
                Wire(connection);
                Connection = connection;
                await connection.StartAsync(lifetime.Token);
                await CatchUpAsync(lifetime.Token);
                if (BeforeChatCatchUp is { } beforeChat) await beforeChat();
                await CatchUpChatAsync(chatAfter, lifetime.Token);
            }
            catch (Exception e)
            {
                if (connection is not null) await connection.DisposeAsync();
                if (lifetime.IsCancellationRequested || ended) return;
                if (e.RefusalCode() is { } code && FinalRefusals.Contains(code))
                {
                    ended = true;
                    ResumeFailed?.Invoke(e);
                    return;
                }
                continue;
            }
            Interlocked.Exchange(ref resuming, 0);
            Reconnected?.Invoke();
            // Closed again before the flag came down: that close was ignored above, so it is taken up here.
            if (connection.State == HubConnectionState.Disconnected) await OnClosed(connection, null);
            return;
        }
    }

    // The first try at once (a node went away; another may serve), then doubling up to a few seconds,
    // spread so that the clients of a node that died do not all come back in the same instant.
    static TimeSpan Backoff(int attempt) => attempt == 0 ? TimeSpan.Zero
        : TimeSpan.FromMilliseconds(Math.Min(250 * Math.Pow(2, attempt - 1), MaxResumeWait.TotalMilliseconds) * (0.8 + 0.4 * Random.Shared.NextDouble()));

    /// <summary>Joins again on the current connection from <see cref="LastSeq"/>: the snapshot, if one replaced
    /// the log above it, goes to <see cref="SnapshotReceived"/> and the updates through the ordered path.</summary>
    async Task CatchUpAsync(CancellationToken ct)
    {
        order.BeginJoin();
        try
        {
            var (snapshot, updates) = await JoinAsync(Credentials, LastSeq, creatorToken: null, reconnection.Password, profile: null,
                waitForKey: true, ct);
            if (snapshot is not null) DeliverSnapshot(snapshot);
            foreach (var update in updates) Take(update);
        }
        finally
        {
            order.EndJoin();
            Drain();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // First, so that the close this causes starts no resume and pending gap fetches stop.
        if (!lifetime.IsCancellationRequested) await lifetime.CancelAsync();
        await Connection.DisposeAsync();
        // Closed as it is: every entry was on disk before it was sent, so there is nothing to write now.
        outbox?.Dispose();
    }
}
