using System.Diagnostics.Metrics;
using Parley.Protocol;

namespace Parley.Server.Hosting;

/// <summary>Parley's own instruments, in the "Parley" meter (exported by whatever listens to System.Diagnostics.Metrics).</summary>
public static class ParleyMetrics
{
    public const string MeterName = "Parley";
    static readonly Meter Meter = new(MeterName);

    static readonly Counter<long> Refusals = Meter.CreateCounter<long>("parley_refusals", description: "Requests refused, by refusal code.");

    /// <summary>Counts a refusal under its catalog code (tests/vectors/refusals.json).</summary>
    public static void Refused(RefusalCode code) => Refusals.Add(1, new KeyValuePair<string, object?>("code", code.Wire()));
}
