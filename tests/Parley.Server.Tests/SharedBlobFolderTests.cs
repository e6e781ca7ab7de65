using System.Net.Http.Headers;
using System.Security.Cryptography;
using Parley.Client;
using Parley.Client.Crypto;
using Parley.Client.Files;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Server.Storage;
using Parley.Testing;
using Parley.Testing.Cluster;

namespace Parley.Server.Tests;

/// <summary>
/// Two server processes on one data folder and one PostgreSQL database (a cluster of the test's
/// own, so these run wherever the suite runs), as a scaled-out deployment runs them: a file is the same file through either node, and their sweeps do each other no harm.
/// </summary>
public sealed class SharedBlobFolderTests
{
    static Dictionary<string, string> Settings(string abandonedAfter = "1.00:00:00") => new()
    {
        ["Parley__Policy__GuestsMayShareFiles"] = "true",
        ["Parley__AbandonedUploadAfter"] = abandonedAfter,
        ["Parley__CleanupInterval"] = "00:00:00.300",
    };

    [Fact]
    public async Task A_file_uploaded_through_one_node_downloads_through_the_other_and_a_delete_on_either_holds_for_both()
    {
        await using var nodes = await TwoNodes.StartAsync(Settings());
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

    [Fact]
    public async Task Both_nodes_sweeping_the_same_abandoned_uploads_at_once_delete_them_without_an_error()
    {
        await using var nodes = await TwoNodes.StartAsync(Settings("00:00:02"));
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

    [Fact]
    public async Task A_chunk_a_killed_node_was_writing_is_swept_by_the_node_still_running()
    {
        await using var nodes = await TwoNodes.StartAsync(Settings("00:00:02"));
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
        await nodes.Cluster.KillNodeAsync(0);
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

    /// <summary>Two nodes of a test cluster (its own PostgreSQL, Redis, one data folder), as a deployment runs them.</summary>
    sealed class TwoNodes : IAsyncDisposable
    {
        public required ParleyCluster Cluster { get; init; }
        public ParleyServerProcess A => Cluster.Node(0);
        public ParleyServerProcess B => Cluster.Node(1);
        public string DataDirectory => Cluster.DataDirectory;

        public static async Task<TwoNodes> StartAsync(Dictionary<string, string> settings) =>
            new() { Cluster = await ParleyCluster.StartAsync(2, settings) };

        public ValueTask DisposeAsync() => Cluster.DisposeAsync();
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
