using Parley.Protocol;
using Parley.Server.Keys;
using Parley.Server.Rooms;

namespace Parley.Server.Realtime;

// The key part of the room hub: hand to RoomKeys (grants, rotations), return.
public sealed partial class RoomHub
{
    [RoomMember]
    public Task<int> GrantKeys(string roomId, IReadOnlyList<Grant> grants, RoomKeys keys) =>
        keys.GrantAsync(roomId, MemberId, grants, Aborted);

    [RoomMember]
    public Task RotateKey(string roomId, Rotation rotation, RoomKeys keys) => keys.RotateAsync(roomId, MemberId, rotation, Aborted);
}
