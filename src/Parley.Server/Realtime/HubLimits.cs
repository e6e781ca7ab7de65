using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Realtime;

/// <summary>
/// Settings under "Parley:Hub" (environment: Parley__Hub__Name): what one connection may hold of
/// the server. Documented in docs/configuration.md; validated at start.
/// </summary>
public sealed class HubLimits
{
    public const string Section = "Parley:Hub";

    /// <summary>A connection that has not called JoinRoom this long after connecting is closed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")] public TimeSpan JoinTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Live hub connections one client address (IPv6: one /64) may hold at once.</summary>
    [Range(1, 100_000)] public int MaxConnectionsPerAddress { get; set; } = 50;

    /// <summary>Events waiting to be sent to one connection; a connection further behind is closed.</summary>
    [Range(16, 1_000_000)] public int OutboxMessages { get; set; } = 4096;

    /// <summary>Envelope bytes waiting to be sent to one connection; a connection further behind is closed.</summary>
    [Range(64 * 1024, 1024L * 1024 * 1024)] public long OutboxBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>A single send to one connection that takes longer than this closes that connection.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
