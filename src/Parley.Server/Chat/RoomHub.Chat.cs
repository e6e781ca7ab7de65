using Microsoft.AspNetCore.SignalR;
using Parley.Client.Protocol;
using Parley.Server.Chat;

namespace Parley.Server.Sync;

// The chat part of the room hub: authorize, hand to the chat service, return.
public sealed partial class RoomHub
{
    public Task<ChatAck> SendChat(string roomId, string clientMessageId, Envelope envelope, ChatWriter writer)
    {
        var memberId = RoomAccess.RequireMember(Context, roomId);
        if (string.IsNullOrEmpty(clientMessageId) || clientMessageId.Length > 64)
            throw new HubException("Malformed message id: 1 to 64 characters.");
        rules.CheckChat(envelope);
        return writer.SendAsync(new ChatWriter.Message(roomId, memberId, Context.ConnectionId, clientMessageId, envelope),
            Context.ConnectionAborted);
    }

    public Task<ChatPage> ChatHistory(string roomId, long beforeSeq, int limit, ChatLog log)
    {
        RoomAccess.RequireMember(Context, roomId);
        return log.HistoryAsync(roomId, beforeSeq, limit, Context.ConnectionAborted);
    }

    public Task<ChatPage> ChatSince(string roomId, long afterSeq, int limit, ChatLog log)
    {
        RoomAccess.RequireMember(Context, roomId);
        return log.SinceAsync(roomId, afterSeq, limit, Context.ConnectionAborted);
    }

    public Task SetTyping(string roomId, bool typing)
    {
        var memberId = RoomAccess.RequireMember(Context, roomId);
        return Clients.OthersInGroup(GroupOf(roomId)).SendAsync(HubNames.Typing, roomId, memberId, typing);
    }
}
