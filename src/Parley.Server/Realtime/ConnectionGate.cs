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
public sealed class ConnectionGate(IOptions<HubLimits> options, ILogger<ConnectionGate> log) : IHubFilter
{
    sealed class Opened(string address)
    {
        public string Address { get; } = address;
        public volatile bool TriedToJoin;
    }

    readonly ConcurrentDictionary<string, int> perAddress = new();
    readonly ConcurrentDictionary<string, Opened> opened = new();

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
        var state = opened[connection.ConnectionId] = new Opened(address);
        try { await next(context); }
        catch
        {
            Forget(connection.ConnectionId);
            throw;
        }

        _ = Task.Delay(options.Value.JoinTimeout, connection.ConnectionAborted).ContinueWith(waited =>
        {
            if (waited.IsCanceled || state.TriedToJoin) return;
            log.LogInformation("Closing connection {ConnectionId}: no JoinRoom within {Timeout}", connection.ConnectionId, options.Value.JoinTimeout);
            connection.Abort();
        }, TaskScheduler.Default);
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
}
