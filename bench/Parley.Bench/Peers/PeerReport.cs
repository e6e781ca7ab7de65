using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Parley.Bench.Peers;

/// <summary>The comparison's figures: each system's median over its runs, and its ratios to y-websocket and to the bare relay.</summary>
static class PeerReport
{
    sealed record Median(PeerSystem System, int Runs, double SentShare, double DeliveredShare, double P50, double P99, double CpuPerThousand, long Failures);

    static Median MedianOf(Workload load, List<RunMeasurement> runs)
    {
        static double Mid(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }
        return new Median(runs[0].System, runs.Count, Mid(runs.Select(r => r.SentShare(load))), Mid(runs.Select(r => r.DeliveredShare(load))),
            Mid(runs.Select(r => r.FanoutP50Ms)), Mid(runs.Select(r => r.FanoutP99Ms)), Mid(runs.Select(r => r.CpuMsPerThousandDeliveries)),
            runs.Sum(r => r.Failures));
    }

    public static string Table(Workload load, List<List<RunMeasurement>> bySystem)
    {
        var medians = bySystem.Where(runs => runs.Count > 0).Select(runs => MedianOf(load, runs)).ToList();
        var yWebsocket = medians.FirstOrDefault(m => m.System == PeerSystem.YWebsocket);
        var relay = medians.FirstOrDefault(m => m.System == PeerSystem.Relay);
        static string F(double value, string format) => double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);
        static string Ratios(Median m, Median? to) => to is null ? "–"
            : $"{F(m.P50 / to.P50, "0.0#")}× / {F(m.P99 / to.P99, "0.0#")}× / {F(m.CpuPerThousand / to.CpuPerThousand, "0.0#")}×";
        var table = new StringBuilder();
        var rooms = load.Rooms == 1 ? "one room" : $"{load.Rooms} rooms of {load.Members / load.Rooms}";
        table.AppendLine($"N={load.Members} members × {load.Rate} updates/s in {rooms}, {load.Seconds} s after a {load.Warmup} s warm-up; medians of {medians.Max(m => m.Runs)} run(s)");
        table.AppendLine();
        table.AppendLine("| system | sent / offered | delivered | fan-out p50 | fan-out p99 | server CPU per 1k deliveries | p50 / p99 / CPU ÷ y-websocket | p50 / p99 / CPU ÷ bare relay |");
        table.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var m in medians)
            table.AppendLine($"| {PeerProcess.Name(m.System)} | {F(m.SentShare, "0.000")} | {F(m.DeliveredShare, "0.000")} | {F(m.P50, "0.0")} ms | {F(m.P99, "0.0")} ms " +
                $"| {F(m.CpuPerThousand, "0.0")} ms | {Ratios(m, yWebsocket)} | {Ratios(m, relay)} |");
        return table.ToString();
    }

    public static string Json(Workload load, int repeat, int updateBytes, List<List<RunMeasurement>> bySystem) =>
        JsonSerializer.Serialize(new
        {
            workload = new { members = load.Members, rooms = load.Rooms, ratePerMember = load.Rate, load.Seconds, warmupSeconds = load.Warmup, offeredUpdatesPerSecond = load.Members * load.Rate },
            repeat,
            updateBytes,
            systems = bySystem.Where(runs => runs.Count > 0).Select(runs =>
            {
                var m = MedianOf(load, runs);
                return new
                {
                    system = PeerProcess.Name(m.System),
                    median = new
                    {
                        sentShare = Math.Round(m.SentShare, 3), deliveredShare = Math.Round(m.DeliveredShare, 3),
                        fanoutP50Ms = Math.Round(m.P50, 2), fanoutP99Ms = Math.Round(m.P99, 2),
                        serverCpuMsPerThousandDeliveries = Math.Round(m.CpuPerThousand, 2), failures = m.Failures,
                    },
                    runs = runs.Select(r => new
                    {
                        seconds = Math.Round(r.Seconds, 1), r.Sent, r.Failures, r.Deliveries,
                        fanoutP50Ms = Math.Round(r.FanoutP50Ms, 2), fanoutP99Ms = Math.Round(r.FanoutP99Ms, 2),
                        serverCpuMs = Math.Round(r.ServerCpuMs),
                    }),
                };
            }),
            machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, shared with other work while measuring",
            measuredAt = DateTime.UtcNow.ToString("u"),
        }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
}
