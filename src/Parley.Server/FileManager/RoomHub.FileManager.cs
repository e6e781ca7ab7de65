using Parley.Client.Protocol;
using Parley.Server.FileManager;
using Parley.Server.Rooms;

namespace Parley.Server.Sync;

// The file manager part of the room hub: authorize as a member (the creator, for the log), hand
// to FileEntries or RoomActivity, return.
public sealed partial class RoomHub
{
    public Task<EntryPage> ListEntries(string roomId, string? afterEntryId, int limit, FileEntries entries)
    {
        RoomAccess.RequireMember(Context, roomId);
        return entries.ListAsync(roomId, afterEntryId, limit, Context.ConnectionAborted);
    }

    public Task<Entry> PutEntry(string roomId, EntryWrite write, FileEntries entries) =>
        entries.PutAsync(roomId, RoomAccess.RequireMember(Context, roomId), write, Context.ConnectionAborted);

    public Task<int> DeleteEntries(string roomId, IReadOnlyList<string?> entryIds, FileEntries entries) =>
        entries.DeleteAsync(roomId, RoomAccess.RequireMember(Context, roomId), entryIds, Context.ConnectionAborted);

    public async Task<ActivityPage> ActivityLog(string roomId, long beforeSeq, int limit, RoomControl control, RoomActivity activity)
    {
        await control.RequireCreatorAsync(roomId, RoomAccess.RequireMember(Context, roomId), Context.ConnectionAborted);
        return await activity.PageAsync(roomId, beforeSeq, limit, Context.ConnectionAborted);
    }
}
