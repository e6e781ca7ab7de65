using System.Net.Http.Headers;
using System.Security.Cryptography;
using Parley.Client;
using Parley.Client.Crypto;
using Parley.Client.Files;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Server.Storage;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>
/// Several nodes on one blob folder (a mounted volume), as the store itself sees it: each
/// <see cref="DiskBlobStore"/> here is one node's, all on the same real folder.
/// </summary>
public sealed class SharedBlobStoreTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("parley-shared-blobs-").FullName;
    readonly string roomId = Ids.New(), fileId = Ids.New();

    public void Dispose() => Directory.Delete(root, recursive: true);

    DiskBlobStore Node(string name) => new(root, name);

    static async Task PlaceAsync(IBlobStore node, string roomId, string fileId, int index, byte[] bytes)
    {
        await using var staged = await node.StageChunkAsync(roomId, fileId, index, new MemoryStream(bytes), bytes.Length, default);
        await staged.PlaceAsync(default);
    }

    static async Task<byte[]> ReadAsync(IBlobStore node, string roomId, string fileId, int index)
    {
        await using var chunk = await node.OpenChunkAsync(roomId, fileId, index, default);
        using var copy = new MemoryStream();
        await chunk.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task Two_nodes_writing_the_same_chunk_at_once_never_share_a_staging_file_and_the_last_placement_wins()
    {
        var (a, b) = (Node("a"), Node("b"));
        byte[] fromA = RandomNumberGenerator.GetBytes(64 * 1024), fromB = RandomNumberGenerator.GetBytes(64 * 1024);

        await using var stagedA = await a.StageChunkAsync(roomId, fileId, 0, new MemoryStream(fromA), fromA.Length, default);
        await using var stagedB = await b.StageChunkAsync(roomId, fileId, 0, new MemoryStream(fromB), fromB.Length, default);
        var staging = Directory.GetFiles(Path.Combine(root, ".staging"));
        Assert.Equal(2, staging.Length);
        Assert.Contains(staging, p => Path.GetFileName(p).StartsWith($"{fileId}.0.a.", StringComparison.Ordinal));
        Assert.Contains(staging, p => Path.GetFileName(p).StartsWith($"{fileId}.0.b.", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(root, roomId)), "nothing is visible to readers before it is placed");

        await stagedA.PlaceAsync(default);
        await stagedB.PlaceAsync(default);

        Assert.Equal(fromB, await ReadAsync(a, roomId, fileId, 0));
        Assert.Empty(Directory.GetFiles(Path.Combine(root, ".staging")));
    }

    [Fact]
    public async Task A_reader_on_one_node_sees_a_whole_chunk_while_another_node_keeps_replacing_it()
    {
        var (reader, writer) = (Node("a"), Node("b"));
        byte[] ones = Enumerable.Repeat((byte)1, 256 * 1024).ToArray(), twos = Enumerable.Repeat((byte)2, 256 * 1024).ToArray();
        await PlaceAsync(writer, roomId, fileId, 0, ones);

        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++) await PlaceAsync(writer, roomId, fileId, 0, i % 2 == 0 ? twos : ones);
        });
        var reads = 0;
        while (!writing.IsCompleted && reads < 10_000)
        {
            var read = await ReadAsync(reader, roomId, fileId, 0);
            reads++;
            Assert.True(read.AsSpan().SequenceEqual(ones) || read.AsSpan().SequenceEqual(twos), $"read {reads} saw a mix or a part");
        }
        await writing;
    }

    [Fact]
    public async Task Nodes_deleting_the_same_file_and_room_at_once_all_succeed_and_leave_nothing_behind()
    {
        IBlobStore[] nodes = [Node("a"), Node("b"), Node("c")];
        for (var round = 0; round < 20; round++)
        {
            for (var i = 0; i < 30; i++) await PlaceAsync(nodes[i % 3], roomId, fileId, i, [(byte)i]);

            await Task.WhenAll(nodes.Select(n => Task.Run(() => round % 2 == 0
                ? n.DeleteFileAsync(roomId, fileId, default)
                : n.DeleteRoomAsync(roomId, default))));

            Assert.False(Directory.Exists(Path.Combine(root, roomId, fileId)));
            Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(root, ".deleting")));
        }
    }

    [Fact]
    public async Task A_reader_keeps_the_chunk_it_has_open_when_another_node_deletes_the_file_and_later_opens_find_nothing()
    {
        var (reader, deleter) = (Node("a"), Node("b"));
        var bytes = RandomNumberGenerator.GetBytes(100_000);
        await PlaceAsync(deleter, roomId, fileId, 0, bytes);
        await PlaceAsync(deleter, roomId, fileId, 1, bytes);

        await using var open = await reader.OpenChunkAsync(roomId, fileId, 0, default);
        await deleter.DeleteFileAsync(roomId, fileId, default);

        using var copy = new MemoryStream();
        await open.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
        await Assert.ThrowsAsync<BlobMissingException>(() => reader.OpenChunkAsync(roomId, fileId, 1, default));
    }

    [Fact]
    public async Task Leftovers_untouched_since_the_cutoff_are_discarded_by_any_node_and_fresh_ones_are_kept()
    {
        var (killed, survivor) = (Node("killed"), Node("survivor"));
        await using var abandoned = await killed.StageChunkAsync(roomId, fileId, 0, new MemoryStream(new byte[10]), 10, default);
        await using var streaming = await survivor.StageChunkAsync(roomId, fileId, 1, new MemoryStream(new byte[10]), 10, default);
        var abandonedPart = Directory.GetFiles(Path.Combine(root, ".staging"), $"{fileId}.0.killed.*").Single();
        // The killed node's chunk was last written an hour ago.
        File.SetLastWriteTimeUtc(abandonedPart, DateTime.UtcNow.AddHours(-1));
        // And it had begun a delete an hour ago that it never finished.
        var halfDeleted = Path.Combine(root, ".deleting", $"{DateTime.UtcNow.AddHours(-1).Ticks}.killed.{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(halfDeleted, "some-file"));
        File.WriteAllBytes(Path.Combine(halfDeleted, "some-file", "0"), new byte[10]);

        var cutoff = DateTime.UtcNow.AddMinutes(-30);
        await Task.WhenAll(Task.Run(() => survivor.DiscardLeftoversAsync(cutoff, default)),
            Task.Run(() => Node("third").DiscardLeftoversAsync(cutoff, default)));

        Assert.False(File.Exists(abandonedPart));
        Assert.False(Directory.Exists(halfDeleted));
        await streaming.PlaceAsync(default);
        Assert.Equal(new byte[10], await ReadAsync(killed, roomId, fileId, 1));
    }
}

/// <summary>
/// Two server processes on one data folder and one PostgreSQL database, as a scaled-out deployment
/// runs them: a file is the same file through either node, and their sweeps do each other no harm.
/// </summary>
public sealed class SharedBlobFolderTests
{
    static Dictionary<string, string> Settings(string abandonedAfter = "1.00:00:00") => new()
    {
        ["Parley__Policy__GuestsMayShareFiles"] = "true",
        ["Parley__AbandonedUploadAfter"] = abandonedAfter,
        ["Parley__CleanupInterval"] = "00:00:00.300",
    };

    [PostgresFact]
    public async Task A_file_uploaded_through_one_node_downloads_through_the_other_and_a_delete_on_either_holds_for_both()
    {
        await using var nodes = await TwoNodes.StartAsync(Settings(), Settings());
        using var httpA = nodes.A.CreateHttpClient();
        using var httpB = nodes.B.CreateHttpClient();
        var room = await RoomSession.CreateRoomAsync(httpA);
        var (alice, _) = await RoomSession.JoinAsCreatorAsync(nodes.A.BaseUri, room);
        await using var _a = alice;
        var content = new GeneratedContent(3L * FileLayout.ChunkBytes + 1000, 31);
        var uploaded = await alice.Files(httpA).UploadAsync(content, content.Length);

        using (var sink = new HashingSink())
        {
            await alice.Files(httpB).DownloadAsync(uploaded.FileId, uploaded.Key, uploaded.Size, sink);
            content.Position = 0;
            Assert.Equal(SHA256.HashData(content), sink.Hash());
        }

        await alice.Files(httpB).DeleteAsync(uploaded.FileId);

        var refused = await Assert.ThrowsAsync<HttpRefusalException>(() =>
            alice.Files(httpA).DownloadAsync(uploaded.FileId, uploaded.Key, uploaded.Size, new HashingSink()));
        Assert.Equal(RefusalCode.FileUnknown, refused.Code);
        Assert.False(Directory.Exists(Path.Combine(nodes.DataDirectory, "blobs", room.RoomId, uploaded.FileId)));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(nodes.DataDirectory, "blobs", ".deleting")));
    }

    [PostgresFact]
    public async Task Both_nodes_sweeping_the_same_abandoned_uploads_at_once_delete_them_without_an_error()
    {
        await using var nodes = await TwoNodes.StartAsync(Settings("00:00:02"), Settings("00:00:02"));
        using var http = nodes.A.CreateHttpClient();
        var room = await RoomSession.CreateRoomAsync(http);
        var (alice, _) = await RoomSession.JoinAsCreatorAsync(nodes.A.BaseUri, room);
        await using var _a = alice;
        var files = alice.Files(http);
        var folders = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var file = await files.CreateAsync(2L * FileLayout.ChunkBytes);
            await files.UploadChunksAsync(file, new GeneratedContent(file.Size, (ulong)i), [0]);
            folders.Add(Path.Combine(nodes.DataDirectory, "blobs", room.RoomId, file.FileId));
        }

        await Eventually.True(() => folders.All(f => !Directory.Exists(f)), "every abandoned upload's chunks deleted", 20_000);

        Assert.Equal(0, await nodes.A.Database.CountAsync("""SELECT COUNT(*) FROM "Files" """));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(nodes.DataDirectory, "blobs", ".deleting")));
        foreach (var node in new[] { nodes.A, nodes.B })
            Assert.DoesNotContain("Sweeping abandoned uploads failed", node.Log);
    }

    [PostgresFact]
    public async Task A_chunk_a_killed_node_was_writing_is_swept_by_the_node_still_running()
    {
        await using var nodes = await TwoNodes.StartAsync(Settings(), Settings("00:00:02"));
        using var http = nodes.A.CreateHttpClient();
        var room = await RoomSession.CreateRoomAsync(http);
        var (alice, _) = await RoomSession.JoinAsCreatorAsync(nodes.B.BaseUri, room);
        await using var _a = alice;
        var file = await alice.Files(http).CreateAsync(2L * FileLayout.ChunkBytes);
        var staging = Path.Combine(nodes.DataDirectory, "blobs", ".staging");
        string[] Parts() => Directory.Exists(staging) ? Directory.GetFiles(staging, file.FileId + ".*.part") : [];

        // Node A is writing a chunk aside (half its bytes came) when it is killed.
        using var hangUp = new CancellationTokenSource();
        using var upload = new HttpRequestMessage(HttpMethod.Put, $"/api/rooms/{room.RoomId}/files/{file.FileId}/chunks/0")
        {
            Content = new HalfThenHang(FileLayout.CipherLength(file.Size, 0)),
        };
        upload.Headers.Authorization = new AuthenticationHeaderValue("ParleyMember",
            $"{alice.MemberId}:{Base64Url.Encode(alice.Credentials.MemberToken)}");
        var sending = http.SendAsync(upload, hangUp.Token);
        await Eventually.True(() => Parts().Length == 1, "node A to be writing the chunk aside");
        await nodes.A.StopAsync();
        await hangUp.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => sending);

        await Eventually.True(() => Parts().Length == 0, "node B to sweep node A's half-written chunk", 20_000);
        Assert.DoesNotContain("Sweeping abandoned uploads failed", nodes.B.Log);
    }

    /// <summary>A body that announces its full length, sends half, then waits until the request is cancelled.</summary>
    sealed class HalfThenHang(long length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken ct)
        {
            await stream.WriteAsync(new byte[length / 2], ct);
            await stream.FlushAsync(ct);
            await Task.Delay(Timeout.Infinite, ct);
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = this.length;
            return true;
        }

        readonly long length = length;
    }

    /// <summary>Two nodes on one data folder, and so (TestDatabase names it after the folder) one database.</summary>
    sealed class TwoNodes : IAsyncDisposable
    {
        public required string DataDirectory { get; init; }
        public required ParleyServerProcess A { get; init; }
        public required ParleyServerProcess B { get; init; }

        public static async Task<TwoNodes> StartAsync(Dictionary<string, string> settingsA, Dictionary<string, string> settingsB)
        {
            var data = Directory.CreateTempSubdirectory("parley-two-nodes-").FullName;
            // One after the other: the first applies the migrations, the second finds them done.
            var a = await ParleyServerProcess.StartAsync(data, settingsA);
            return new TwoNodes { DataDirectory = data, A = a, B = await ParleyServerProcess.StartAsync(data, settingsB) };
        }

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
            Directory.Delete(DataDirectory, recursive: true);
            await A.Database.DropAsync();
        }
    }
}

/// <summary>A download racing a delete on another node, caught between the two.</summary>
public sealed class DeletedWhileReadTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_download_whose_chunks_went_after_its_row_was_found_is_file_unknown_not_a_server_error()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        using var http = fixture.Server.CreateHttpClient();
        var files = alice.Files(http);
        var uploaded = await files.UploadAsync(new GeneratedContent(2L * FileLayout.ChunkBytes, 41), 2L * FileLayout.ChunkBytes);
        // Another node's delete removes the rows, then the blobs; this node found the row just
        // before, so it goes on to read blobs that are gone. Here only the blobs go.
        Directory.Delete(Path.Combine(fixture.Server.DataDirectory, "blobs", room.RoomId, uploaded.FileId), recursive: true);

        var refused = await Assert.ThrowsAsync<HttpRefusalException>(() =>
            files.DownloadAsync(uploaded.FileId, uploaded.Key, uploaded.Size, new HashingSink()));

        Assert.Equal((System.Net.HttpStatusCode.NotFound, RefusalCode.FileUnknown), (refused.StatusCode, refused.Code));
        Assert.Contains("the file was deleted while it was being read", fixture.Server.Log);
        Assert.DoesNotContain(nameof(BlobMissingException), fixture.Server.Log); // handled: no error with a trace
    }
}

/// <summary>A fact that needs a PostgreSQL server (PARLEY_TEST_POSTGRES, as ./test.sh sets it): several nodes cannot share SQLite.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PARLEY_TEST_POSTGRES")))
            Skip = "Needs PostgreSQL: set PARLEY_TEST_POSTGRES to a server's connection string (./test.sh does).";
    }
}
