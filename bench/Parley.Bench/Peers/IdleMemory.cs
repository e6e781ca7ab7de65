using Parley.Testing;

namespace Parley.Bench.Peers;

/// <summary>
/// Idle memory per connection (--idle N): each system's server gets one warm room first (its code
/// loaded, its first document made), then N more joined connections that send nothing, in rooms of
/// ten (<see cref="RoomMembers"/>); the server's resident memory grows by (after − before) / N per connection.
/// </summary>
static class IdleMemory
{
    const int RoomSize = RoomMembers.Size;

    public static async Task RunAsync(IReadOnlyList<PeerSystem> systems, int connections, string output)
    {
        var rows = new List<(PeerSystem System, long Before, long After)>();
        foreach (var system in systems)
        {
            var (before, after) = system == PeerSystem.Parley ? await ParleyAsync(connections) : await PeerAsync(system, connections);
            rows.Add((system, before, after));
            Console.WriteLine($"{PeerProcess.Name(system)}: {before / 1048576.0:F1} MiB with one warm room, {after / 1048576.0:F1} MiB with {connections} more idle connections: {(after - before) / (double)connections / 1024:F1} KiB each");
        }
        Console.WriteLine();
        Console.WriteLine($"| system | server RSS, one warm room | with {connections:N0} idle connections more | per connection |");
        Console.WriteLine("| --- | --- | --- | --- |");
        foreach (var (system, before, after) in rows)
            Console.WriteLine($"| {PeerProcess.Name(system)} | {before / 1048576.0:F1} MiB | {after / 1048576.0:F1} MiB | {(after - before) / (double)connections / 1024:F1} KiB |");
        await BenchResults.WriteAsync(new
        {
            connections, roomSize = RoomSize,
            systems = rows.Select(r => new { system = PeerProcess.Name(r.System), rssBeforeBytes = r.Before, rssAfterBytes = r.After, bytesPerConnection = (r.After - r.Before) / connections }),
            machine = $"{BenchResults.Machine}, shared with other work while measuring",
            measuredAt = DateTime.UtcNow.ToString("u"),
        }, output, print: false);
    }

    static async Task<(long, long)> PeerAsync(PeerSystem system, int connections)
    {
        await using var peer = await PeerProcess.StartAsync(system);
        var open = new List<PeerConnection>();
        try
        {
            async Task Room(string room)
            {
                for (var m = 0; m < RoomSize; m++)
                {
                    var connection = await PeerConnection.OpenAsync(system, peer.Uri, room, m, (_, _) => { }, CancellationToken.None);
                    lock (open) open.Add(connection);
                }
            }
            await Room("idle-warm");
            var before = await SettledResidentBytesAsync(peer.ProcessId);
            await RoomMembers.InParallelAsync((connections + RoomSize - 1) / RoomSize, 8, r => Room($"idle-{r}"));
            return (before, await SettledResidentBytesAsync(peer.ProcessId));
        }
        finally
        {
            foreach (var connection in open) await connection.DisposeAsync();
        }
    }

    static async Task<(long, long)> ParleyAsync(int connections)
    {
        await using var server = await BenchResults.StartServerAsync(BenchResults.DeployedGc, new Dictionary<string, string>
        {
            ["Parley__Hub__MaxConnectionsPerAddress"] = $"{connections + 2 * RoomSize}",
            ["Parley__RoomsPerMinute"] = "100000",
        });
        using var http = server.CreateHttpClient();
        await using var members = new RoomMembers();
        await members.JoinRoomsAsync(server.BaseUri, http, RoomSize, 1, waitForKey: true);
        var before = await SettledResidentBytesAsync(server.ProcessId);
        await members.JoinRoomsAsync(server.BaseUri, http, connections, 8, waitForKey: true);
        return (before, await SettledResidentBytesAsync(server.ProcessId));
    }

    /// <summary>
    /// The server's resident memory once it has gone quiet (under 20 ms of CPU in a second, e.g. after
    /// the last key grants), looked at for at most 60 s.
    /// </summary>
    static async Task<long> SettledResidentBytesAsync(int processId)
    {
        var cpu = PeerProcess.CpuOf(processId);
        for (var i = 0; i < 60; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = PeerProcess.CpuOf(processId);
            if ((now - cpu).TotalMilliseconds < 20) break;
            cpu = now;
        }
        return PeerProcess.ResidentBytesOf(processId);
    }
}
