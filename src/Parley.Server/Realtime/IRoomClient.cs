using Parley.Protocol;

namespace Parley.Server.Realtime;

/// <summary>
/// Every event the server sends to clients. SignalR sends each method under its own name, with its
/// arguments in this order, so these names are the wire's (HubNames, web/src/wire) and a test holds
/// them to HubNames. Every event names its room first: one connection may be in several rooms.
/// </summary>
public interface IRoomClient
{
    /// <summary>The updates of one committed batch, in seq order: one message per room per batch, not one per update.</summary>
    Task DocUpdates(string roomId, IReadOnlyList<StoredUpdate> updates);
    Task Awareness(string roomId, string memberId, Envelope envelope);
    Task Chat(string roomId, StoredChat message);
    Task Typing(string roomId, string memberId, bool typing);
    Task MemberJoined(string roomId, string memberId);
    Task MemberLeft(string roomId, string memberId);
    Task MemberKicked(string roomId, string memberId);
    Task MemberDeparted(string roomId, string memberId);
    Task Terminated(string roomId);
    Task RoomProtectionChanged(string roomId, bool passwordProtected);
    Task LobbyChanged(string roomId, bool on);
    Task JoinRequested(string roomId, JoinRequestInfo request);
    Task JoinDecided(string roomId, bool admitted);
    Task KeyRequested(string roomId, MemberKeys member, string? granter);
    Task KeysGranted(string roomId, IReadOnlyList<Grant> grants);
    Task KeyRotated(string roomId, Rotation rotation);
    Task RotationNeeded(string roomId);

    /// <summary>To one keyed member: the key of <paramref name="epoch"/> is old (by time or by use); rotate it now.</summary>
    Task RotationRequested(string roomId, int epoch);
    Task RoomMetaChanged(string roomId, Envelope meta);
    Task HistoryVisibilityChanged(string roomId, bool visible);
    Task EntriesChanged(string roomId, IReadOnlyList<Entry> entries);
    Task EntriesDeleted(string roomId, IReadOnlyList<string> entryIds);
}

/// <summary>The SignalR groups of a room: its joined members, and each lobby guest on its own.</summary>
public static class RoomGroups
{
    public static string Of(string roomId) => "room:" + roomId;

    public static string Waiting(string roomId, string memberId) => $"lobby:{roomId}:{memberId}";
}
