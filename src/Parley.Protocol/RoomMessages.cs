using MessagePack;

namespace Parley.Protocol;

// The one C# definition of the wire (docs/protocol.md). String keys keep the MessagePack maps
// readable from TypeScript; binary fields stay `bin`, never base64.

/// <summary>An encrypted payload. The server stores and relays it without reading it.</summary>
[MessagePackObject]
public sealed record Envelope(
    [property: Key("epoch")] int Epoch,
    [property: Key("iv")] byte[] Iv,
    [property: Key("ciphertext")] byte[] Ciphertext);

[MessagePackObject]
public sealed record JoinRequest(
    [property: Key("roomId")] string RoomId,
    [property: Key("joinKey")] byte[] JoinKey,
    [property: Key("memberId")] string? MemberId,
    [property: Key("memberToken")] byte[]? MemberToken,
    [property: Key("sinceSeq")] long SinceSeq,
    [property: Key("creatorToken")] byte[]? CreatorToken = null,
    [property: Key("password")] string? Password = null,
    [property: Key("profile")] Envelope? Profile = null,
    [property: Key("device")] DeviceKeys? Device = null,
    [property: Key("linkProof")] byte[]? LinkProof = null);

[MessagePackObject]
public sealed record StoredUpdate(
    [property: Key("seq")] long Seq,
    [property: Key("sender")] string Sender,
    [property: Key("envelope")] Envelope Envelope);

[MessagePackObject]
public sealed record StoredSnapshot(
    [property: Key("upToSeq")] long UpToSeq,
    [property: Key("sender")] string Sender,
    [property: Key("envelope")] Envelope Envelope);

[MessagePackObject]
public sealed record JoinResult(
    [property: Key("memberId")] string MemberId,
    [property: Key("memberToken")] byte[] MemberToken,
    [property: Key("epoch")] int Epoch,
    [property: Key("latestSeq")] long LatestSeq,
    [property: Key("snapshot")] StoredSnapshot? Snapshot,
    [property: Key("updates")] IReadOnlyList<StoredUpdate> Updates,
    [property: Key("more")] bool More,
    [property: Key("online")] IReadOnlyList<string> Online,
    [property: Key("creatorId")] string? CreatorId,
    [property: Key("passwordProtected")] bool PasswordProtected,
    [property: Key("lobby")] bool Lobby,
    [property: Key("waiting")] bool Waiting,
    [property: Key("joinRequests")] IReadOnlyList<JoinRequestInfo> JoinRequests,
    [property: Key("grants")] IReadOnlyList<Grant> Grants,
    [property: Key("members")] IReadOnlyList<MemberKeys> Members,
    [property: Key("keyRequests")] IReadOnlyList<string> KeyRequests,
    [property: Key("rotationDue")] bool RotationDue,
    [property: Key("historyVisible")] bool HistoryVisible,
    [property: Key("roomLink")] Envelope? RoomLink,
    [property: Key("roomMeta")] Envelope? RoomMeta,
    [property: Key("granters")] IReadOnlyList<MemberKeys> Granters)
{
    /// <summary>What this member may do under the server's policy (guest or signed in).</summary>
    [Key("abilities")] public MemberAbilities? Abilities { get; init; }

    /// <summary>The server's idle expiry (Parley:Rooms:IdleExpiry), in seconds; null when not told (a lobby guest).</summary>
    [Key("idleExpirySeconds")] public long? IdleExpirySeconds { get; init; }

    /// <summary>When the room was last active (coarse, Unix milliseconds): it expires around this plus the idle expiry.</summary>
    [Key("lastActiveAt")] public long? LastActiveAt { get; init; }

    /// <summary>When the current key epoch began (Unix milliseconds, UTC); null before the first key.</summary>
    [Key("keyChangedAt")] public long? KeyChangedAt { get; init; }
}

/// <summary>A device's public keys: SPKI DER of its RSA-OAEP (wrap) and ECDSA P-256 (sign) keys.</summary>
[MessagePackObject]
public sealed record DeviceKeys(
    [property: Key("wrapKey")] byte[] WrapKey,
    [property: Key("signKey")] byte[] SignKey);

/// <summary>A current member in the room's key directory, with the proof that it holds the link.</summary>
[MessagePackObject]
public sealed record MemberKeys(
    [property: Key("memberId")] string MemberId,
    [property: Key("wrapKey")] byte[] WrapKey,
    [property: Key("signKey")] byte[] SignKey,
    [property: Key("linkProof")] byte[] LinkProof);

/// <summary>One epoch's room key wrapped for one member's device, signed by the granting member.</summary>
[MessagePackObject]
public sealed record Grant(
    [property: Key("epoch")] int Epoch,
    [property: Key("memberId")] string MemberId,
    [property: Key("granterId")] string GranterId,
    [property: Key("wrappedKey")] byte[] WrappedKey,
    [property: Key("signature")] byte[] Signature);

/// <summary>A move to the next key epoch (and, from the creator, to a new invite link).</summary>
[MessagePackObject]
public sealed record Rotation(
    [property: Key("epoch")] int Epoch,
    [property: Key("grants")] IReadOnlyList<Grant> Grants,
    [property: Key("roomLink")] Envelope RoomLink,
    [property: Key("roomMeta")] Envelope? RoomMeta = null,
    [property: Key("joinVerifier")] byte[]? JoinVerifier = null)
{
    /// <summary>When the server moved the room to this epoch (Unix milliseconds, UTC): set on KeyRotated, ignored from callers.</summary>
    [Key("changedAt")] public long? ChangedAt { get; init; }
}

/// <summary>Someone waiting in the lobby, with their encrypted name (kind member-profile).</summary>
[MessagePackObject]
public sealed record JoinRequestInfo(
    [property: Key("memberId")] string MemberId,
    [property: Key("profile")] Envelope? Profile);

[MessagePackObject]
public sealed record UpdatePage(
    [property: Key("updates")] IReadOnlyList<StoredUpdate> Updates,
    [property: Key("more")] bool More);

[MessagePackObject]
public sealed record PushResult(
    [property: Key("seq")] long Seq,
    [property: Key("snapshotDue")] bool SnapshotDue)
{
    /// <summary>A member's snapshot waits for another member's check (docs/protocol.md, "Vandal snapshots"):
    /// this pusher is asked to check it and, if it holds what it covers, confirm it. Null when none waits
    /// or this pusher sent it.</summary>
    [Key("confirmDue")] public SnapshotRef? ConfirmDue { get; init; }
}

/// <summary>Names a pending snapshot: the seq it covers and who sent it.</summary>
[MessagePackObject]
public sealed record SnapshotRef(
    [property: Key("upToSeq")] long UpToSeq,
    [property: Key("sender")] string Sender);

/// <summary>A member's snapshot waiting for confirmation, with the confirmed snapshot (if any) that the
/// log it covers starts after: the checker rebuilds that log from both.</summary>
[MessagePackObject]
public sealed record PendingSnapshot(
    [property: Key("pending")] StoredSnapshot Pending,
    [property: Key("confirmed")] StoredSnapshot? Confirmed);

/// <summary>Envelope kinds; each is bound into the associated data.</summary>
public static class EnvelopeKind
{
    public const string DocUpdate = "doc-update";
    public const string DocSnapshot = "doc-snapshot";
    public const string Awareness = "awareness";
    public const string Chat = "chat";
    public const string MemberProfile = "member-profile";
    public const string RoomLink = "room-link";
    public const string RoomMeta = "room-meta";
    public const string FileMeta = "file-meta";
}
