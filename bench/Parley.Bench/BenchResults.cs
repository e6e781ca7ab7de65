using System.Text.Json;

/// <summary>How every benchmark hands in its figures: printed, and kept as JSON under bench/results (or --out).</summary>
static class BenchResults
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>This machine as the results name it.</summary>
    public static string Machine => $"{Environment.ProcessorCount} cores, {Environment.OSVersion}";

    public static async Task WriteAsync(object result, string output, bool print = true)
    {
        var json = JsonSerializer.Serialize(result, Indented);
        if (print) Console.WriteLine(json);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, json + "\n");
        Console.WriteLine($"written to {output}");
    }
}
