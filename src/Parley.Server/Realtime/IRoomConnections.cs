using Parley.Protocol;

namespace Parley.Server.Realtime;

/// <summary>
/// The state of live connections: who is online in a room, whose access was revoked, and closing a
/// member's connections. <see cref="InProcessRoomConnections"/> keeps it in this process (one
/// node); <see cref="RedisRoomConnections"/> shares it between nodes. Revocation never reaches
/// into another connection: its member's next call meets <see cref="Revocation"/> in the hub filter.
/// </summary>
public interface IRoomConnections
{
    /// <summary>A connection opened on this node; <paramref name="abort"/> ends it.</summary>
    void Opened(string connectionId, Action abort);

    void Closed(string connectionId);

    /// <summary>Ends a connection on this node (one that cannot keep up, or never joined); no-op for others.</summary>
    void Abort(string connectionId);

    /// <summary>False while this node cannot hear the others (Redis unreachable): room calls are then refused.</summary>
    bool Reachable { get; }

    /// <returns>True when this is the member's first live connection in the room on any node (announce it).</returns>
    Task<bool> ConnectAsync(string roomId, string memberId, string connectionId);

    /// <returns>True when that was the member's last live connection in the room on any node (announce it).</returns>
    Task<bool> DisconnectAsync(string roomId, string memberId, string connectionId);

    /// <summary>Members with a live connection in the room, on any node.</summary>
    Task<IReadOnlyList<string>> OnlineAsync(string roomId);

    /// <summary>The member's joined connections in the room on this node.</summary>
    IReadOnlyList<string> ConnectionsOf(string roomId, string memberId);

    /// <summary>Every joined connection of the room on this node, whatever its member.</summary>
    IReadOnlyList<string> ConnectionsIn(string roomId);

    /// <summary>
    /// Refuses every later call of the member (or, when null, of everyone) in the room with
    /// <paramref name="reason"/>, on every node before it returns.
    /// </summary>
    Task RevokeAsync(string roomId, string? memberId, RefusalCode reason, CancellationToken ct);

    /// <returns>Why the member may no longer act in the room, or null when it may.</returns>
    RefusalCode? Revocation(string roomId, string memberId);

    /// <summary>
    /// Takes the member's (or everyone's) connections out of the room on every node, without
    /// announcing it, and closes them a moment later, once the notice of why has reached their screens.
    /// </summary>
    Task CloseAsync(string roomId, string? memberId, CancellationToken ct);
}
