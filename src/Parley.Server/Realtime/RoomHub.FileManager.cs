using Parley.Protocol;
using Parley.Server.Accounts;
using Parley.Server.FileManager;
using Parley.Server.Rooms;

namespace Parley.Server.Realtime;

// The file manager part of the room hub: hand to FileEntries or RoomActivity, return.
public sealed partial class RoomHub
{
    [RoomMember]
    public Task<EntryPage> ListEntries(string roomId, string? afterEntryId, int limit, FileEntries entries) =>
        entries.ListAsync(roomId, afterEntryId, limit, Aborted);

    [Requires(Ability.ShareFiles)]
    public Task<Entry> PutEntry(string roomId, EntryWrite write, FileEntries entries) => entries.PutAsync(roomId, MemberId, write, Aborted);

    [Requires(Ability.ShareFiles)]
    public Task<int> DeleteEntries(string roomId, IReadOnlyList<string?> entryIds, FileEntries entries) =>
        entries.DeleteAsync(roomId, MemberId, entryIds, Aborted);

    [RoomCreator]
    public Task<ActivityPage> ActivityLog(string roomId, long beforeSeq, int limit, RoomActivity activity) =>
        activity.PageAsync(roomId, beforeSeq, limit, Aborted);
}
