using Parley.Server.Rooms;

namespace Parley.Server.Sync;

// The creator's part of the room hub: authorize as a member, hand to RoomControl (which checks
// that the caller is the creator), return.
public sealed partial class RoomHub
{
    public Task Kick(string roomId, string memberId, RoomControl control) =>
        control.KickAsync(roomId, RoomAccess.RequireMember(Context, roomId), memberId, Context.ConnectionAborted);

    public Task SetRoomPassword(string roomId, string? password, RoomControl control) =>
        control.SetPasswordAsync(roomId, RoomAccess.RequireMember(Context, roomId), password, Context.ConnectionAborted);

    public Task SetLobby(string roomId, bool on, RoomControl control) =>
        control.SetLobbyAsync(roomId, RoomAccess.RequireMember(Context, roomId), on, Context.ConnectionAborted);

    public Task DecideJoin(string roomId, string memberId, bool admit, RoomControl control) =>
        control.DecideJoinAsync(roomId, RoomAccess.RequireMember(Context, roomId), memberId, admit, Context.ConnectionAborted);

    public Task Terminate(string roomId, RoomControl control) =>
        control.TerminateAsync(roomId, RoomAccess.RequireMember(Context, roomId), Context.ConnectionAborted);
}
