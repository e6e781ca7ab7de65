using System.Buffers.Binary;
using System.Diagnostics;

namespace Parley.Bench.Peers;

public enum PeerSystem { Parley, YWebsocket, Hocuspocus, Relay }

/// <summary>The load every system gets: N members spread evenly over R rooms (member m in room m mod R), each sending M updates per second for warm-up + measured seconds.</summary>
public sealed record Workload(int Members, int Rate, int Seconds, int Warmup, int Rooms = 1)
{
    /// <summary>Who should receive each update: the other members of its sender's room.</summary>
    public int Receivers => Members / Rooms - 1;
}

/// <summary>What one run of one system measured, over the measured seconds only (the warm-up is not counted).</summary>
public sealed record RunMeasurement(PeerSystem System, double Seconds, long Sent, long Failures,
    long Deliveries, double FanoutP50Ms, double FanoutP99Ms, double ServerCpuMs)
{
    public double SentShare(Workload load) => Sent / (load.Members * (double)load.Rate * Seconds);
    /// <summary>Deliveries that arrived over those that should have (every sent update to the N-1 other members).</summary>
    public double DeliveredShare(Workload load) => Sent == 0 ? 0 : Deliveries / ((double)Sent * load.Receivers);
    public double CpuMsPerThousandDeliveries => Deliveries == 0 ? double.NaN : ServerCpuMs / (Deliveries / 1000.0);
}

/// <summary>
/// Real Yjs updates made by bench/peers/updates.cjs: member m's updates, in the order it sends them,
/// and which one a received update is, by the (client, clock) key it starts with.
/// </summary>
public sealed class UpdateSet
{
    UpdateSet(byte[][] updates, int members, int count)
    {
        (Updates, Members, Count) = (updates, members, count);
        Index = new Dictionary<long, int>(updates.Length);
        for (var i = 0; i < updates.Length; i++) Index.Add(YFrames.UpdateKey(updates[i]), i);
    }

    public byte[][] Updates { get; }
    public int Members { get; }
    public int Count { get; }
    public Dictionary<long, int> Index { get; }

    public static UpdateSet Read(string path)
    {
        var data = File.ReadAllBytes(path);
        var (members, count) = (BinaryPrimitives.ReadInt32LittleEndian(data), BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(4)));
        var updates = new byte[members * count][];
        for (int i = 0, at = 8; i < updates.Length; i++)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(at));
            updates[i] = data.AsSpan(at + 2, length).ToArray();
            at += 2 + length;
        }
        return new UpdateSet(updates, members, count);
    }
}

/// <summary>
/// Drives a y-protocols server with the same loop Program.cs drives Parley with: one PeriodicTimer
/// per member, the next update sent on each tick until the time is up. A receiver learns an
/// update's send time from a table the senders fill (same process, one clock), found by the
/// update's (client, clock) key, so the updates stay real Yjs updates with nothing added to them.
/// </summary>
static class PeerDriver
{
    public static async Task<RunMeasurement> RunAsync(PeerSystem system, Uri server, UpdateSet set, Workload load, Func<TimeSpan> serverCpu)
    {
        if (set.Members < load.Members || set.Count < load.Rate * (load.Warmup + load.Seconds))
            throw new ArgumentException("the update set is smaller than the workload");
        var run = Guid.NewGuid().ToString("N");
        string RoomOf(int member) => $"bench-{run}-{member % load.Rooms}";
        // Update i is member i / set.Count's, framed for that member's room.
        var frames = set.Updates.Select((update, i) => YFrames.Update(PeerConnection.PrefixFor(system, RoomOf(i / set.Count)), update)).ToArray();
        var sentAt = new long[frames.Length];
        var fanout = new Samples();
        var measuring = false;
        void Received(int member, long key)
        {
            // Servers with a document echo each update to its sender too; only the others count, as for Parley.
            if (!measuring || !set.Index.TryGetValue(key, out var i) || i / set.Count == member) return;
            fanout.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref sentAt[i])));
        }

        var connections = new List<PeerConnection>();
        using var joining = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        for (var m = 0; m < load.Members; m++)
            connections.Add(await PeerConnection.OpenAsync(system, server, RoomOf(m), m, Received, joining.Token));
        Console.WriteLine($"{load.Members} members joined {load.Rooms} {system} room(s) bench-{run}-* at {server}; each sends {load.Rate} updates/s for {load.Warmup}+{load.Seconds} s");

        var end = DateTime.UtcNow.AddSeconds(load.Warmup + load.Seconds);
        long sent = 0, failures = 0;
        var senders = connections.Select(async connection =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / load.Rate));
            var next = connection.Member * set.Count;
            var last = next + set.Count;
            while (DateTime.UtcNow < end && next < last && await timer.WaitForNextTickAsync())
            {
                var i = next++;
                Volatile.Write(ref sentAt[i], Stopwatch.GetTimestamp());
                try
                {
                    await connection.SendAsync(frames[i]);
                    if (measuring) Interlocked.Increment(ref sent);
                }
                catch (Exception) { Interlocked.Increment(ref failures); }
            }
        }).ToList();

        await Task.Delay(TimeSpan.FromSeconds(load.Warmup));
        var cpuBefore = serverCpu();
        measuring = true;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(senders);
        measuring = false;
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpu = serverCpu() - cpuBefore;
        foreach (var connection in connections) await connection.DisposeAsync();
        return new RunMeasurement(system, elapsed, sent, failures, fanout.Count, fanout.At(0.50), fanout.At(0.99), cpu.TotalMilliseconds);
    }
}

/// <summary>Latencies in milliseconds, added from many threads and summarized at the end.</summary>
public sealed class Samples
{
    readonly List<double> millis = new();

    public int Count { get { lock (millis) return millis.Count; } }
    public void Add(TimeSpan latency) { lock (millis) millis.Add(latency.TotalMilliseconds); }

    public double At(double quantile)
    {
        lock (millis)
        {
            if (millis.Count == 0) return double.NaN;
            millis.Sort();
            return millis[(int)Math.Min(millis.Count - 1, quantile * millis.Count)];
        }
    }
}
