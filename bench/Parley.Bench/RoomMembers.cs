using Parley.Client.Sessions;

/// <summary>
/// Members in rooms of <see cref="Size"/> through Parley.Client, for the benchmarks that hold many
/// connections (`--idle`, `--idle-connections`): each room's creator first, who makes the key. Rooms
/// of ten, not one room of N, because every member grants the key to every joiner: N² grants in
/// one room would measure key exchange, not connections.
/// </summary>
sealed class RoomMembers : IAsyncDisposable
{
    public const int Size = 10;

    readonly List<(string RoomId, string Secret, MemberCredentials Credentials)> joined = [];
    readonly List<RoomSession> sessions = [];

    /// <summary>The members joined and not yet gone.</summary>
    public IReadOnlyList<RoomSession> Sessions
    {
        get { lock (sessions) return [.. sessions]; }
    }

    /// <summary>Fills rooms, <paramref name="concurrency"/> at a time; joins in one room are one after another, as people arrive.</summary>
    public Task JoinRoomsAsync(Uri server, HttpClient http, int count, int concurrency, bool waitForKey = false) =>
        InParallelAsync((count + Size - 1) / Size, concurrency, async r =>
        {
            var room = await RoomSession.CreateRoomAsync(http);
            var (creator, _) = await RoomSession.JoinAsCreatorAsync(server, room);
            Add(creator, room.LinkSecret);
            for (var i = 1; i < Math.Min(Size, count - r * Size); i++)
                Add((await RoomSession.JoinAsync(server, room.RoomId, room.LinkSecret, waitForKey: waitForKey)).Session, room.LinkSecret);
        });

    /// <summary>Every member joins again as itself, on a new connection.</summary>
    public async Task RejoinAsync(Uri server, int concurrency)
    {
        List<(string RoomId, string Secret, MemberCredentials Credentials)> all;
        lock (sessions) all = [.. joined];
        await InParallelAsync(all.Count, concurrency, async i =>
        {
            var (roomId, secret, credentials) = all[i];
            var (session, _) = await RoomSession.JoinAsync(server, roomId, secret, resume: credentials, waitForKey: false);
            lock (sessions) sessions.Add(session);
        });
    }

    /// <summary>Runs <paramref name="each"/> for 0..count−1, at most <paramref name="concurrency"/> at once.</summary>
    public static Task InParallelAsync(int count, int concurrency, Func<int, Task> each) =>
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (i, _) => await each(i));

    void Add(RoomSession session, string secret)
    {
        lock (sessions)
        {
            sessions.Add(session);
            joined.Add((session.RoomId, secret, session.Credentials));
        }
    }

    /// <summary>Closes every member's connection; they can join again.</summary>
    public async Task LeaveAsync()
    {
        List<RoomSession> all;
        lock (sessions)
        {
            all = [.. sessions];
            sessions.Clear();
        }
        await Task.WhenAll(all.Select(s => s.DisposeAsync().AsTask()));
    }

    public ValueTask DisposeAsync() => new(LeaveAsync());
}
