using System.Diagnostics;
using System.Security.Cryptography;
using Parley.Client.Sessions;
using Parley.Testing;
using Xunit.Abstractions;

namespace Parley.Server.Tests;

public class LargeFileTests(ITestOutputHelper output)
{
    const long MiB = 1024 * 1024;

    /// <summary>A server whose managed heap is capped far below the files it moves: one that buffered a file would fail.</summary>
    static Task<ParleyServerProcess> StartCappedServerAsync(long maxFileBytes) =>
        ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["Parley__MaxFileBytes"] = $"{maxFileBytes}",
            ["Parley__Policy__GuestsMayShareFiles"] = "true",
            ["DOTNET_GCHeapHardLimit"] = "0x4000000", // 64 MiB
        });

    static async Task<(RoomSession Alice, RoomSession Bob)> RoomOfTwoAsync(ParleyServerProcess server, HttpClient http)
    {
        var room = await RoomSession.CreateRoomAsync(http);
        var (alice, _) = await RoomSession.JoinAsCreatorAsync(server.BaseUri, room);
        var (bob, _) = await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret);
        return (alice, bob);
    }

    static byte[] Sha256(Stream content)
    {
        content.Position = 0;
        return SHA256.HashData(content);
    }

    [Fact]
    public async Task A_200_MB_attachment_round_trips_byte_identical_while_server_memory_stays_flat()
    {
        const long size = 200 * MiB;
        await using var server = await StartCappedServerAsync(300 * MiB);
        using var http = server.CreateHttpClient();
        http.Timeout = TimeSpan.FromMinutes(5);
        var (alice, bob) = await RoomOfTwoAsync(server, http);
        await using var _a = alice;
        await using var _b = bob;
        // Warm up the upload and download paths so the baseline includes what they always need.
        var warm = await alice.Files(http).UploadAsync(new GeneratedContent(3 << 20, 1), 3 << 20);
        await bob.Files(http).DownloadAsync(warm.FileId, warm.Key, warm.Size, Stream.Null);
        var baseline = server.WorkingSetBytes;
        var content = new GeneratedContent(size, 200);
        using var sink = new HashingSink();

        var peak = await server.PeakWorkingSetDuringAsync(async () =>
        {
            var uploaded = await alice.Files(http).UploadAsync(content, size);
            await bob.Files(http).DownloadAsync(uploaded.FileId, uploaded.Key, size, sink);
        });

        Assert.Equal(Sha256(content), sink.Hash());
        var growth = peak - baseline;
        Assert.True(growth < 64 * MiB, $"server memory grew by {growth / MiB} MiB (baseline {baseline / MiB} MiB) moving a {size / MiB} MiB file");
        output.WriteLine($"200 MiB round trip: server working set {baseline / MiB} MiB, peak +{growth / MiB} MiB");
    }

    [Fact]
    public async Task A_2_GB_file_manager_file_uploads_and_downloads_byte_identical_while_server_memory_stays_flat()
    {
        const long size = 2048 * MiB;
        await using var server = await StartCappedServerAsync(3072 * MiB);
        using var http = server.CreateHttpClient();
        http.Timeout = TimeSpan.FromMinutes(10);
        var (alice, bob) = await RoomOfTwoAsync(server, http);
        await using var _a = alice;
        await using var _b = bob;
        var (aliceFiles, bobFiles) = (alice.RoomFiles(http), bob.RoomFiles(http));
        // Warm up every path (upload, entry, list, download) so the baseline includes what they always need.
        var warm = await aliceFiles.UploadAsync(["warm-up"], new GeneratedContent(3 << 20, 1), 3 << 20);
        await bobFiles.DownloadAsync(bobFiles.Open(warm.Entry), Stream.Null);
        var baseline = server.WorkingSetBytes;
        var content = new GeneratedContent(size, 2048);
        using var sink = new HashingSink();
        var (upload, download) = (new Stopwatch(), new Stopwatch());
        Parley.Client.Files.RoomEntry? seen = null;

        var peak = await server.PeakWorkingSetDuringAsync(async () =>
        {
            upload.Start();
            var uploaded = await aliceFiles.UploadAsync(["images", "disk.img"], content, size, "application/octet-stream");
            upload.Stop();
            download.Start();
            seen = (await bobFiles.ListAllAsync()).Single(e => e.Entry.EntryId == uploaded.Entry.EntryId);
            await bobFiles.DownloadAsync(seen, sink);
            download.Stop();
        });

        Assert.Equal(Sha256(content), sink.Hash());
        Assert.Equal((size, size), (seen!.Entry.Size, seen.Meta.Size));
        var growth = peak - baseline;
        var figures = $"2 GiB file manager round trip: upload {upload.Elapsed.TotalSeconds:0} s ({size / upload.Elapsed.TotalSeconds / MiB:0} MiB/s), " +
            $"download {download.Elapsed.TotalSeconds:0} s ({size / download.Elapsed.TotalSeconds / MiB:0} MiB/s); " +
            $"server working set {baseline / MiB} MiB, peak +{growth / MiB} MiB";
        output.WriteLine(figures);
        Assert.True(growth < 64 * MiB, figures);
    }
}
