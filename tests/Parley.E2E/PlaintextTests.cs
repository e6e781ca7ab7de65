using System.Text;
using Parley.Testing;

namespace Parley.E2E;

/// <summary>The server only ever holds ciphertext: what people type never reaches its disk or log.</summary>
public class PlaintextTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Code_typed_in_the_browser_never_appears_in_the_database_data_folder_or_server_log()
    {
        var marker = "PLAINMARK" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
        var alice = await RoomPage.StartSessionAsync(await fixture.NewPersonAsync());
        var bob = await RoomPage.OpenAsync(await fixture.NewPersonAsync(), alice.Page.Url);
        await alice.TypeAtEndAsync($"const secret = \"{marker}\";");
        await bob.WaitForCodeAsync(c => c.Contains(marker), "the marker to reach bob through the server");
        var linkSecret = new Uri(alice.Page.Url).Fragment.TrimStart('#');

        // Snapshot the evidence while the server holds the room; SQLite's WAL file is part of it.
        await fixture.Server.StopAsync();
        var files = Directory.EnumerateFiles(fixture.Server.DataDirectory, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith("parley.db"));
        var stored = files.Select(f => (f, File.ReadAllBytes(f))).ToList();
        Assert.True(stored.Sum(s => s.Item2.Length) > 0);

        foreach (var needle in new[] { marker, linkSecret })
        {
            foreach (var (file, bytes) in stored)
            {
                Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(needle)), $"{needle} found in {file}");
                Assert.False(Contains(bytes, Encoding.Unicode.GetBytes(needle)), $"{needle} (UTF-16) found in {file}");
            }
            Assert.DoesNotContain(needle, fixture.Server.Log);
        }
        Assert.Contains("Now listening", fixture.Server.Log);
    }

    static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
