using System.Text;

namespace Parley.Server.Tests;

/// <summary>
/// A tiny last-writer-wins map standing in for a Yjs document on the .NET side: updates merge in
/// any order and any number of times, and a snapshot is far smaller than the log that built it.
/// Updates and snapshots are lines of "key=version:value".
/// </summary>
public sealed class TestDoc
{
    readonly Dictionary<string, (long Version, string Value)> entries = new();

    public static byte[] Update(string key, long version, string value) => Encoding.UTF8.GetBytes($"{key}={version}:{value}");

    public void Apply(byte[] payload)
    {
        foreach (var line in Encoding.UTF8.GetString(payload).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = line.IndexOf('=');
            var colon = line.IndexOf(':', eq);
            var (key, version, value) = (line[..eq], long.Parse(line[(eq + 1)..colon]), line[(colon + 1)..]);
            if (!entries.TryGetValue(key, out var current) || current.Version < version) entries[key] = (version, value);
        }
    }

    public byte[] Snapshot() =>
        Encoding.UTF8.GetBytes(string.Join('\n', entries.OrderBy(e => e.Key).Select(e => $"{e.Key}={e.Value.Version}:{e.Value.Value}")));

    public string State => Encoding.UTF8.GetString(Snapshot());
}
