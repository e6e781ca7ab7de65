using Microsoft.AspNetCore.SignalR.Client;
using Parley.Protocol;

namespace Parley.Client.Sessions;

// The file manager half of a session: the room's entries changing, as the server announces them.
public sealed partial class RoomSession
{
    /// <summary>Entries were made or changed (by anyone, this member included).</summary>
    public event Action<IReadOnlyList<Entry>>? EntriesChanged;

    /// <summary>Entries were deleted, with their files.</summary>
    public event Action<IReadOnlyList<string>>? EntriesDeleted;

    /// <summary>The room's file manager, its uploads authenticated as this member.</summary>
    public Files.RoomFiles RoomFiles(HttpClient http) => new(this, Files(http));

    void OnFileEvents(HubConnection connection)
    {
        connection.On<string, IReadOnlyList<Entry>>(HubNames.EntriesChanged, (room, entries) => { if (room == RoomId) EntriesChanged?.Invoke(entries); });
        connection.On<string, IReadOnlyList<string>>(HubNames.EntriesDeleted, (room, ids) => { if (room == RoomId) EntriesDeleted?.Invoke(ids); });
    }
}
