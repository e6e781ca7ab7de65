using System.Diagnostics;
using System.Diagnostics.Metrics;
using Parley.Protocol;

namespace Parley.Server.Hosting;

/// <summary>
/// Parley's own instruments, in the "Parley" meter (exported at /metrics by MetricsSetup when
/// Parley:Metrics:Enabled is on; without a listener they cost next to nothing). Labels are only
/// catalog words (refusal codes, writer and stored kinds): never a room or member id, never a name.
/// The Prometheus exporter appends the unit and "_total" to the names (docs/configuration.md lists them).
/// </summary>
public static class ParleyMetrics
{
    public const string MeterName = "Parley";
    static readonly Meter Meter = new(MeterName);

    // Latencies from a tenth of a millisecond (a send to a fast reader) to ten seconds (a stalled disk).
    static readonly InstrumentAdvice<double> LatencyBuckets = new()
    {
        HistogramBucketBoundaries = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    // BatchedWriter takes up to 512 writes at a time.
    static readonly InstrumentAdvice<int> BatchBuckets = new() { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] };

    static readonly UpDownCounter<long> Connections = Meter.CreateUpDownCounter<long>("parley_connections", "{connection}",
        "Hub connections open.");
    static readonly UpDownCounter<long> ActiveRooms = Meter.CreateUpDownCounter<long>("parley_rooms_active", "{room}",
        "Rooms with at least one member connected.");
    static readonly UpDownCounter<long> MembersOnline = Meter.CreateUpDownCounter<long>("parley_members_online", "{member}",
        "Members connected to a room (a member with two tabs counts once per room).");
    static readonly Counter<long> RoomsCreated = Meter.CreateCounter<long>("parley_rooms_created", "{room}", "Rooms created.");
    static readonly Counter<long> RoomsEnded = Meter.CreateCounter<long>("parley_rooms_ended", "{room}",
        "Rooms deleted, by reason: terminated by the creator or expired after idling.");
    static readonly Counter<long> Stored = Meter.CreateCounter<long>("parley_stored_items", "{item}",
        "Items committed to storage, by kind: doc-update, chat.");
    static readonly Counter<long> StoredBytes = Meter.CreateCounter<long>("parley_stored", "By",
        "Ciphertext bytes committed to storage, by kind: doc-update, snapshot, chat, file-chunk.");
    static readonly Histogram<double> AckLatency = Meter.CreateHistogram("parley_ack_latency", "s",
        "From a write's arrival at the batched writer to its durable commit, by writer.", advice: LatencyBuckets);
    static readonly Histogram<int> BatchSize = Meter.CreateHistogram("parley_batch_size", "{write}",
        "Writes stored together in one transaction, by writer.", advice: BatchBuckets);
    static readonly Histogram<double> FanoutLatency = Meter.CreateHistogram("parley_fanout_latency", "s",
        "From an event's posting to a connection's outbox to its send completing.", advice: LatencyBuckets);
    static readonly Counter<long> Refusals = Meter.CreateCounter<long>("parley_refusals", description: "Requests refused, by refusal code.");
    static readonly Counter<long> RateLimited = Meter.CreateCounter<long>("parley_rate_limited", "{request}",
        "Requests refused by a rate limit, by scope: hub (calls per connection) or rooms (creations per address).");
    static readonly Counter<long> KeyRotations = Meter.CreateCounter<long>("parley_key_rotations", "{rotation}",
        "Room key epochs accepted (the first key of a room included).");

    /// <summary>Counts a refusal under its catalog code (tests/vectors/refusals.json).</summary>
    public static void Refused(RefusalCode code) => Refusals.Add(1, new KeyValuePair<string, object?>("code", code.Wire()));

    /// <summary>A rate limit refused a request (counted as a refusal too), by the limit's scope.</summary>
    public static void RateLimitHit(string scope) => RateLimited.Add(1, new KeyValuePair<string, object?>("scope", scope));

    public static void ConnectionOpened() => Connections.Add(1);
    public static void ConnectionClosed() => Connections.Add(-1);
    public static void RoomsActive(int delta) { if (delta != 0) ActiveRooms.Add(delta); }
    public static void MembersOnlineChanged(int delta) { if (delta != 0) MembersOnline.Add(delta); }
    public static void RoomCreated() => RoomsCreated.Add(1);
    public static void RoomEnded(string reason) => RoomsEnded.Add(1, new KeyValuePair<string, object?>("reason", reason));
    public static void KeyRotated() => KeyRotations.Add(1);

    /// <summary>Items of one kind committed in one transaction, with their ciphertext bytes.</summary>
    public static void Committed(string kind, int count, long bytes)
    {
        var tag = new KeyValuePair<string, object?>("kind", kind);
        if (count > 0) Stored.Add(count, tag);
        if (bytes > 0) StoredBytes.Add(bytes, tag);
    }

    /// <summary>Bytes stored outside the batched writers (snapshots, file chunks).</summary>
    public static void BytesStored(string kind, long bytes) => Committed(kind, 0, bytes);

    public static void BatchWritten(string writer, int size) => BatchSize.Record(size, new KeyValuePair<string, object?>("writer", writer));

    /// <param name="since">A <see cref="Stopwatch.GetTimestamp"/> taken when the write arrived.</param>
    public static void Acknowledged(string writer, long since) =>
        AckLatency.Record(Stopwatch.GetElapsedTime(since).TotalSeconds, new KeyValuePair<string, object?>("writer", writer));

    /// <param name="since">A <see cref="Stopwatch.GetTimestamp"/> taken when the event was posted.</param>
    public static void FannedOut(long since) => FanoutLatency.Record(Stopwatch.GetElapsedTime(since).TotalSeconds);
}
