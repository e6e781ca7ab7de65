using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Hosting;

namespace Parley.Server.Realtime;

/// <summary>
/// What a connection must do to stay: come from an address that holds fewer than
/// <see cref="HubLimits.MaxConnectionsPerAddress"/> connections, and call JoinRoom within
/// <see cref="HubLimits.JoinTimeout"/>. Otherwise a client could hold thousands of idle sockets
/// (each with its buffers) that SignalR's keep-alive would keep alive forever.
/// </summary>
public sealed class ConnectionGate : IHubFilter, IDisposable
{
    sealed class Opened(string address, HubCallerContext connection, long at)
    {
        public string Address { get; } = address;
        public HubCallerContext Connection { get; } = connection;
        public long At { get; } = at;
        public volatile bool TriedToJoin;
    }

    readonly ConcurrentDictionary<string, int> perAddress = new();
    readonly ConcurrentDictionary<string, Opened> opened = new();
    // In the order they opened, so a sweep looks only at those whose time is up. One timer for all
    // of them, rather than a delay per connection that an idle connection would hold.
    readonly ConcurrentQueue<Opened> waiting = new();
    readonly IOptions<HubLimits> options;
    readonly TimeProvider clock;
    readonly ILogger<ConnectionGate> log;
    readonly ITimer sweep;
    int sweeping;

    public ConnectionGate(IOptions<HubLimits> options, TimeProvider clock, ILogger<ConnectionGate> log)
    {
        (this.options, this.clock, this.log) = (options, clock, log);
        // A connection is closed at most this much after its time is up.
        var every = TimeSpan.FromTicks(Math.Clamp(options.Value.JoinTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 100, TimeSpan.TicksPerSecond));
        sweep = clock.CreateTimer(_ => CloseUnjoined(), null, every, every);
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var connection = context.Context;
        var address = ClientAddress.KeyOf(connection.GetHttpContext());
        if (perAddress.AddOrUpdate(address, 1, (_, n) => n + 1) > options.Value.MaxConnectionsPerAddress)
        {
            Release(address);
            ParleyMetrics.RateLimitHit("connections");
            ParleyMetrics.Refused(RefusalCode.RateLimited);
            log.LogInformation("Refused a connection from {Address}: {Limit} already open", address, options.Value.MaxConnectionsPerAddress);
            // Thrown from OnConnectedAsync, SignalR closes the connection with this text and no reconnect.
            throw new HubException(RefusalCodes.HubMessage(RefusalCode.RateLimited, "Too many connections from this address."));
        }
        var state = opened[connection.ConnectionId] = new Opened(address, connection, clock.GetTimestamp());
        try { await next(context); }
        catch
        {
            Forget(connection.ConnectionId);
            throw;
        }
        waiting.Enqueue(state);
    }

    /// <summary>Closes the connections whose join timeout is up and that have not tried to join.</summary>
    void CloseUnjoined()
    {
        if (Interlocked.Exchange(ref sweeping, 1) == 1) return; // the previous sweep is still at it
        try
        {
            var timeout = options.Value.JoinTimeout;
            while (waiting.TryPeek(out var state) && clock.GetElapsedTime(state.At) >= timeout)
            {
                waiting.TryDequeue(out _);
                if (state.TriedToJoin || !opened.ContainsKey(state.Connection.ConnectionId)) continue; // joined, or gone already
                log.LogInformation("Closing connection {ConnectionId}: no JoinRoom within {Timeout}", state.Connection.ConnectionId, timeout);
                state.Connection.Abort();
            }
        }
        catch (Exception e) { log.LogWarning(e, "Closing connections that did not join failed"); }
        finally { Volatile.Write(ref sweeping, 0); }
    }

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        // Any attempt counts: a refused join (a password to ask for) keeps the connection for the retry.
        if (invocation.HubMethodName == nameof(RoomHub.JoinRoom) && opened.TryGetValue(invocation.Context.ConnectionId, out var state))
            state.TriedToJoin = true;
        return next(invocation);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try { await next(context, exception); }
        finally { Forget(context.Context.ConnectionId); }
    }

    void Forget(string connectionId)
    {
        if (opened.TryRemove(connectionId, out var state)) Release(state.Address);
    }

    void Release(string address)
    {
        if (perAddress.AddOrUpdate(address, 0, (_, n) => n - 1) <= 0) perAddress.TryRemove(KeyValuePair.Create(address, 0));
    }

    public void Dispose() => sweep.Dispose();
}
