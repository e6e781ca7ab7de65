using Parley.Client.Protocol;
using Parley.Server.Keys;
using Parley.Server.Rooms;

namespace Parley.Server.Sync;

// The key part of the room hub: authorize as a member, hand to RoomKeys (grants, rotations) or
// RoomControl (creator settings, leaving), return.
public sealed partial class RoomHub
{
    public Task<int> GrantKeys(string roomId, IReadOnlyList<Grant> grants, RoomKeys keys) =>
        keys.GrantAsync(roomId, RoomAccess.RequireMember(Context, roomId), grants, Context.ConnectionAborted);

    public Task RotateKey(string roomId, Rotation rotation, RoomKeys keys) =>
        keys.RotateAsync(roomId, RoomAccess.RequireMember(Context, roomId), rotation, Context.ConnectionAborted);

    public Task SetRoomMeta(string roomId, Envelope envelope, RoomControl control) =>
        control.SetMetaAsync(roomId, RoomAccess.RequireMember(Context, roomId), envelope, Context.ConnectionAborted);

    public Task SetHistoryVisible(string roomId, bool visible, RoomControl control) =>
        control.SetHistoryVisibleAsync(roomId, RoomAccess.RequireMember(Context, roomId), visible, Context.ConnectionAborted);

    public Task LeaveRoom(string roomId, RoomControl control) =>
        control.LeaveAsync(roomId, RoomAccess.RequireMember(Context, roomId), Context.ConnectionAborted);
}
