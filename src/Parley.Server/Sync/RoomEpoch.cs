using Microsoft.EntityFrameworkCore;
using Parley.Protocol;
using Parley.Server.Storage;

namespace Parley.Server.Sync;

/// <summary>The one check that an envelope is under the room's current key epoch.</summary>
public static class RoomEpoch
{
    /// <returns>The room's epoch, or null when the room does not exist (any more).</returns>
    public static Task<int?> CurrentAsync(ParleyDb db, string roomId, CancellationToken ct) =>
        db.Rooms.Where(r => r.Id == roomId).Select(r => (int?)r.Epoch).SingleOrDefaultAsync(ct);

    /// <returns>Why an envelope of <paramref name="envelopeEpoch"/> is refused, or null when it is current.</returns>
    public static Refusal? Check(int? roomEpoch, int envelopeEpoch) =>
        roomEpoch is null ? new(RefusalCode.RoomUnknown, "Unknown room.")
        : roomEpoch < 0 ? new(RefusalCode.EpochStale, "Stale key epoch: the room has no key yet; its creator makes the first one.")
        : envelopeEpoch != roomEpoch ? new(RefusalCode.EpochStale, $"Stale key epoch: {envelopeEpoch}, the room is at {roomEpoch}.")
        : null;
}
