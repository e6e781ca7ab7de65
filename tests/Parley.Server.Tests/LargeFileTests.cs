using System.Diagnostics;
using Parley.Client.Sessions;
using Parley.Testing;

namespace Parley.Server.Tests;

public class LargeFileTests
{
    [Fact]
    public async Task A_200_MB_attachment_round_trips_byte_identical_while_server_memory_stays_flat()
    {
        const long size = 200L * 1024 * 1024;
        await using var server = await ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["Parley__MaxFileBytes"] = (300L * 1024 * 1024).ToString(),
            ["Parley__Policy__GuestsMayShareFiles"] = "true",
            // A managed heap capped far below the file's size: a server that buffered the file would fail.
            ["DOTNET_GCHeapHardLimit"] = "0x4000000", // 64 MiB
        });
        using var http = server.CreateHttpClient();
        http.Timeout = TimeSpan.FromMinutes(5);
        var room = await RoomSession.CreateRoomAsync(http);
        var (roomId, secret) = room;
        var (alice, _) = await RoomSession.JoinAsCreatorAsync(server.BaseUri, room);
        var (bob, _) = await RoomSession.JoinAsync(server.BaseUri, roomId, secret);
        await using var _a = alice;
        await using var _b = bob;
        // Warm up the upload and download paths so the baseline includes what they always need.
        var warm = await alice.Files(http).UploadAsync(new GeneratedContent(3 << 20, 1), 3 << 20);
        await bob.Files(http).DownloadAsync(warm.FileId, warm.Key, warm.Size, Stream.Null);
        var baseline = server.WorkingSetBytes;

        long peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, server.WorkingSetBytes);
                await Task.Delay(25);
            }
        });
        var content = new GeneratedContent(size, 200);
        var uploaded = await alice.Files(http).UploadAsync(content, size);
        using var sink = new HashingSink();
        await bob.Files(http).DownloadAsync(uploaded.FileId, uploaded.Key, size, sink);
        sampling.Cancel();
        await sampler;

        content.Position = 0;
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(content), sink.Hash());
        var growth = peak - baseline;
        Assert.True(growth < 64L * 1024 * 1024,
            $"server memory grew by {growth / (1024 * 1024)} MiB (baseline {baseline / (1024 * 1024)} MiB) moving a {size / (1024 * 1024)} MiB file");
        Console.WriteLine($"200 MiB round trip: server working set {baseline / (1024 * 1024)} MiB, peak +{growth / (1024 * 1024)} MiB");
    }
}
