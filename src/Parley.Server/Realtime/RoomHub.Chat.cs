using Parley.Protocol;
using Parley.Server.Chat;
using Parley.Server.Rooms;

namespace Parley.Server.Realtime;

// The chat part of the room hub: hand to the chat service, return.
public sealed partial class RoomHub
{
    [RoomMember]
    public Task<ChatAck> SendChat(string roomId, string clientMessageId, Envelope envelope, ChatWriter writer)
    {
        if (string.IsNullOrEmpty(clientMessageId) || clientMessageId.Length > Limits.MessageIdMaxLength)
            throw new Refusal(RefusalCode.MessageIdMalformed, $"Malformed message id: 1 to {Limits.MessageIdMaxLength} characters.");
        rules.CheckChat(envelope);
        return writer.SendAsync(new ChatWriter.Message(roomId, MemberId, Context.ConnectionId, clientMessageId, envelope), Aborted);
    }

    [RoomMember]
    public Task<ChatPage> ChatHistory(string roomId, long beforeSeq, int limit, ChatLog log) =>
        log.HistoryAsync(roomId, beforeSeq, limit, Aborted);

    [RoomMember]
    public Task<ChatPage> ChatSince(string roomId, long afterSeq, int limit, ChatLog log) =>
        log.SinceAsync(roomId, afterSeq, limit, Aborted);

    [RoomMember]
    public Task SetTyping(string roomId, bool typing)
    {
        fanout.Typing(roomId, Context.ConnectionId, MemberId, typing);
        return Task.CompletedTask;
    }
}
