namespace Parley.Protocol;

/// <summary>Hub method and event names, shared by server, .NET client and tests. The server's
/// events are the methods of its typed client interface (IRoomClient), so they cannot drift from these.</summary>
public static class HubNames
{
    public const string Path = "/hub";

    public const string JoinRoom = nameof(JoinRoom);
    public const string FetchUpdates = nameof(FetchUpdates);
    public const string PushDocUpdate = nameof(PushDocUpdate);
    public const string PushDocUpdates = nameof(PushDocUpdates);
    public const string PushSnapshot = nameof(PushSnapshot);
    public const string FetchPendingSnapshot = nameof(FetchPendingSnapshot);
    public const string ConfirmSnapshot = nameof(ConfirmSnapshot);
    public const string PushAwareness = nameof(PushAwareness);
    public const string SendChat = nameof(SendChat);
    public const string ChatHistory = nameof(ChatHistory);
    public const string ChatSince = nameof(ChatSince);
    public const string SetTyping = nameof(SetTyping);
    public const string Kick = nameof(Kick);
    public const string Terminate = nameof(Terminate);
    public const string SetRoomPassword = nameof(SetRoomPassword);
    public const string SetLobby = nameof(SetLobby);
    public const string DecideJoin = nameof(DecideJoin);
    public const string GrantKeys = nameof(GrantKeys);
    public const string RotateKey = nameof(RotateKey);
    public const string SetRoomMeta = nameof(SetRoomMeta);
    public const string SetHistoryVisible = nameof(SetHistoryVisible);
    public const string LeaveRoom = nameof(LeaveRoom);
    public const string ListEntries = nameof(ListEntries);
    public const string PutEntry = nameof(PutEntry);
    public const string DeleteEntries = nameof(DeleteEntries);
    public const string ActivityLog = nameof(ActivityLog);

    public const string DocUpdates = nameof(DocUpdates);
    public const string Awareness = nameof(Awareness);
    public const string MemberJoined = nameof(MemberJoined);
    public const string MemberLeft = nameof(MemberLeft);
    public const string Chat = nameof(Chat);
    public const string Typing = nameof(Typing);
    public const string MemberKicked = nameof(MemberKicked);
    public const string Terminated = nameof(Terminated);
    public const string RoomProtectionChanged = nameof(RoomProtectionChanged);
    public const string LobbyChanged = nameof(LobbyChanged);
    public const string JoinRequested = nameof(JoinRequested);
    public const string JoinDecided = nameof(JoinDecided);
    public const string KeyRequested = nameof(KeyRequested);
    public const string KeysGranted = nameof(KeysGranted);
    public const string KeyRotated = nameof(KeyRotated);
    public const string RotationNeeded = nameof(RotationNeeded);
    public const string RoomMetaChanged = nameof(RoomMetaChanged);
    public const string HistoryVisibilityChanged = nameof(HistoryVisibilityChanged);
    public const string MemberDeparted = nameof(MemberDeparted);
    public const string EntriesChanged = nameof(EntriesChanged);
    public const string EntriesDeleted = nameof(EntriesDeleted);
}
