namespace Parley.Server.Rooms;

/// <summary>
/// One structured log line per room event, for operators (with JSON console output, one JSON object
/// each). Only ids, reasons and counts: the server holds no names or plaintext, and keys and tokens
/// never go to a log.
/// </summary>
public static partial class RoomEvents
{
    [LoggerMessage(EventId = 1001, EventName = "RoomCreated", Level = LogLevel.Information, Message = "Room {RoomId} was created")]
    public static partial void RoomCreated(this ILogger log, string roomId);

    [LoggerMessage(EventId = 1002, EventName = "MemberJoined", Level = LogLevel.Information,
        Message = "Member {MemberId} joined room {RoomId} (resumed: {Resumed})")]
    public static partial void MemberJoined(this ILogger log, string roomId, string memberId, bool resumed);

    [LoggerMessage(EventId = 1003, EventName = "MemberKicked", Level = LogLevel.Information, Message = "Member {MemberId} was removed from room {RoomId}")]
    public static partial void MemberKicked(this ILogger log, string roomId, string memberId);

    [LoggerMessage(EventId = 1004, EventName = "RoomTerminated", Level = LogLevel.Information, Message = "Room {RoomId} was terminated by its creator")]
    public static partial void RoomTerminated(this ILogger log, string roomId);

    [LoggerMessage(EventId = 1005, EventName = "RoomExpired", Level = LogLevel.Information,
        Message = "Room {RoomId} expired after {IdleExpiry} without activity")]
    public static partial void RoomExpired(this ILogger log, string roomId, TimeSpan idleExpiry);

    [LoggerMessage(EventId = 1006, EventName = "MemberDroppedAway", Level = LogLevel.Information,
        Message = "Member {MemberId} of room {RoomId} was away longer than {DropAwayAfter}: no longer in the room's keys")]
    public static partial void MemberDroppedAway(this ILogger log, string roomId, string memberId, TimeSpan dropAwayAfter);

    [LoggerMessage(EventId = 1007, EventName = "RotationRequested", Level = LogLevel.Information,
        Message = "Member {MemberId} was asked to rotate room {RoomId}'s old key epoch {Epoch}")]
    public static partial void RotationRequested(this ILogger log, string roomId, string memberId, int epoch);
}
