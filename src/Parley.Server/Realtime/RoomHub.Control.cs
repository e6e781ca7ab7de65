using Parley.Protocol;
using Parley.Server.Accounts;using Parley.Server.Rooms;

namespace Parley.Server.Realtime;

// The creator's part of the room hub (and a member leaving): hand to RoomControl, return.
public sealed partial class RoomHub
{
    [RoomCreator]
    public Task Kick(string roomId, string memberId, RoomControl control) => control.KickAsync(roomId, MemberId, memberId, Aborted);

    /// <summary>The policy's ProtectRoom is asked by RoomControl: taking a password off needs no account.</summary>
    [RoomCreator]
    public Task SetRoomPassword(string roomId, string? password, RoomControl control) =>
        control.SetPasswordAsync(roomId, MemberId, password, Aborted);

    [RoomCreator]
    public Task SetLobby(string roomId, bool on, RoomControl control) => control.SetLobbyAsync(roomId, on, Aborted);

    [RoomCreator]
    public Task DecideJoin(string roomId, string memberId, bool admit, RoomControl control) =>
        control.DecideJoinAsync(roomId, memberId, admit, Aborted);

    [RoomCreator]
    public Task Terminate(string roomId, RoomControl control) => control.TerminateAsync(roomId, Aborted);

    [RoomCreator(Ability.NameRoom)]
    public Task SetRoomMeta(string roomId, Envelope envelope, RoomControl control) => control.SetMetaAsync(roomId, envelope, Aborted);

    [RoomCreator]
    public Task SetHistoryVisible(string roomId, bool visible, RoomControl control) =>
        control.SetHistoryVisibleAsync(roomId, visible, Aborted);

    [RoomMember]
    public Task LeaveRoom(string roomId, RoomControl control) => control.LeaveAsync(roomId, MemberId, Aborted);
}
