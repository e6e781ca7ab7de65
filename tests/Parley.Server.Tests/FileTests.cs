using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Parley.Client;
using Parley.Client.Crypto;
using Parley.Client.Files;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

public class FileTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    async Task<(RoomSession Session, FileTransfer Files, HttpClient Http)> MemberAsync(TestRoom room)
    {
        var (session, _) = await fixture.JoinAsync(room);
        var http = fixture.Server.CreateHttpClient();
        return (session, session.Files(http), http);
    }

    static byte[] Sha256(Stream s)
    {
        s.Position = 0;
        return SHA256.HashData(s);
    }

    [Fact]
    public async Task A_file_of_several_chunks_round_trips_byte_identical_to_another_member()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, aliceFiles, h1) = await MemberAsync(room);
        var (bob, bobFiles, h2) = await MemberAsync(room);
        using var _h1 = h1; using var _h2 = h2;
        await using var _a = alice; await using var _b = bob;
        var content = new GeneratedContent(3 * FileLayout.ChunkBytes + 12345, 7);

        var uploaded = await aliceFiles.UploadAsync(content, content.Length);
        using var sink = new HashingSink();
        await bobFiles.DownloadAsync(uploaded.FileId, uploaded.Key, uploaded.Size, sink);

        Assert.Equal(content.Length, sink.BytesWritten);
        Assert.Equal(Sha256(content), sink.Hash());
        var status = await bobFiles.StatusAsync(uploaded.FileId);
        Assert.True(status.Complete);
        Assert.Equal([0, 1, 2, 3], status.Received);
        Assert.Equal(alice.MemberId, status.Uploader);
    }

    [Fact]
    public async Task Empty_and_exactly_one_chunk_files_round_trip()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, files, http) = await MemberAsync(room);
        using var _h = http;
        await using var _a = alice;
        foreach (var size in new long[] { 0, FileLayout.ChunkBytes, FileLayout.ChunkBytes + 1 })
        {
            var content = new GeneratedContent(size, (ulong)size);
            var uploaded = await files.UploadAsync(content, size);
            using var sink = new HashingSink();
            await files.DownloadAsync(uploaded.FileId, uploaded.Key, size, sink);
            Assert.Equal(Sha256(content), sink.Hash());
        }
    }

    [Fact]
    public async Task A_truncated_reordered_or_padded_chunk_stream_is_rejected_by_the_decrypting_side()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, files, http) = await MemberAsync(room);
        using var _h = http;
        await using var _a = alice;
        var size = 3L * FileLayout.ChunkBytes + 500;
        var uploaded = await files.UploadAsync(new GeneratedContent(size, 3), size);
        using var response = await files.GetContentAsync(uploaded.FileId);
        var cipher = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(FileLayout.CipherSize(size), cipher.Length);
        var stride = FileLayout.ChunkBytes + FileLayout.TagBytes;

        Task Decrypt(byte[] bytes, long claimedSize) =>
            FileCipher.DecryptStreamAsync(uploaded.Key, uploaded.FileId, claimedSize, new MemoryStream(bytes), Stream.Null);

        await Decrypt(cipher, size); // the untouched stream decrypts
        // Cut after two whole chunks, even with a size that matches the cut: chunk 1 is not marked last.
        await Assert.ThrowsAnyAsync<CryptographicException>(() => Decrypt(cipher[..(2 * stride)], 2L * FileLayout.ChunkBytes));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => Decrypt(cipher[..(2 * stride)], size));
        var swapped = cipher[stride..(2 * stride)].Concat(cipher[..stride]).Concat(cipher[(2 * stride)..]).ToArray();
        await Assert.ThrowsAnyAsync<CryptographicException>(() => Decrypt(swapped, size));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => Decrypt([.. cipher, 0], size));
    }

    [Fact]
    public async Task A_byte_range_of_the_content_is_served_for_seeking_and_resuming()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, files, http) = await MemberAsync(room);
        using var _h = http;
        await using var _a = alice;
        var size = 2L * FileLayout.ChunkBytes + 10;
        var uploaded = await files.UploadAsync(new GeneratedContent(size, 9), size);
        using var whole = await files.GetContentAsync(uploaded.FileId);
        var cipher = await whole.Content.ReadAsByteArrayAsync();

        var from = FileLayout.CipherOffset(1);
        var to = FileLayout.CipherOffset(2) + 25; // all of chunk 1 and the last chunk's first bytes
        using var partial = await files.GetContentAsync(uploaded.FileId, new RangeHeaderValue(from, to));

        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(cipher[(int)from..(int)(to + 1)], await partial.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_interrupted_upload_resumes_with_the_missing_chunks()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, files, http) = await MemberAsync(room);
        using var _h = http;
        await using var _a = alice;
        var content = new GeneratedContent(5L * FileLayout.ChunkBytes, 11);
        var file = await files.CreateAsync(content.Length);
        await files.UploadChunksAsync(file, content, [0, 3]); // then the connection was cut

        var early = await Assert.ThrowsAsync<HttpRefusalException>(() => files.CompleteAsync(file.FileId));
        Assert.Equal((HttpStatusCode.Conflict, RefusalCode.FileIncomplete), (early.StatusCode, early.Code));
        Assert.Contains("3 of 5 chunks are missing", early.Message);
        var status = await files.StatusAsync(file.FileId);
        Assert.Equal([0, 3], status.Received);
        await files.UploadChunksAsync(file, content, Enumerable.Range(0, status.ChunkCount).Except(status.Received));
        await files.CompleteAsync(file.FileId);

        using var sink = new HashingSink();
        await files.DownloadAsync(file.FileId, file.Key, file.Size, sink);
        Assert.Equal(Sha256(content), sink.Hash());
    }

    [Fact]
    public async Task Oversize_files_are_refused_before_anything_is_stored()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, files, http) = await MemberAsync(room);
        using var _h = http;
        await using var _a = alice;

        var refused = await Assert.ThrowsAsync<HttpRefusalException>(() => files.CreateAsync(100L * 1024 * 1024 + 1));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Contains("the limit is 104,857,600 bytes", refused.Message);
        Assert.False(Directory.Exists(Path.Combine(fixture.Server.DataDirectory, "blobs", room.RoomId)));
        var limits = await http.GetFromJsonAsync<Dictionary<string, long>>("/api/limits");
        Assert.Equal(100L * 1024 * 1024, limits!["maxFileBytes"]);
        Assert.Equal(FileLayout.ChunkBytes, limits["chunkBytes"]);
    }

    [Fact]
    public async Task Outsiders_other_members_and_bad_chunks_are_refused()
    {
        var room = await fixture.NewRoomAsync();
        var other = await fixture.NewRoomAsync();
        var (alice, files, h1) = await MemberAsync(room);
        var (bob, bobFiles, h2) = await MemberAsync(room);
        var (stranger, _, h3) = await MemberAsync(other);
        using var _h1 = h1; using var _h2 = h2; using var _h3 = h3;
        await using var _a = alice; await using var _b = bob; await using var _s = stranger;
        var file = await files.CreateAsync(100);

        // A member of another room, presenting real credentials, sees no such room.
        var asStranger = new FileTransfer(h3, room.RoomId, stranger.Credentials);
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<HttpRefusalException>(() => asStranger.StatusAsync(file.FileId))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<HttpRefusalException>(() => asStranger.CreateAsync(10))).StatusCode);
        using (var anonymous = await h3.GetAsync($"/api/rooms/{room.RoomId}/files/{file.FileId}"))
            Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);
        // Only the uploader writes, completes or deletes; content is not served before it is complete.
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<HttpRefusalException>(() =>
            bobFiles.UploadChunksAsync(file, new GeneratedContent(100, 1)))).StatusCode);
        var unfinished = await Assert.ThrowsAsync<HttpRefusalException>(() => bobFiles.GetContentAsync(file.FileId));
        Assert.Equal((HttpStatusCode.Conflict, RefusalCode.FileIncomplete), (unfinished.StatusCode, unfinished.Code));
        // A chunk of the wrong length, or of an index the file does not have, is refused and not recorded.
        async Task<(HttpStatusCode, RefusalCode?)> PutChunk(int index, int length)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/rooms/{room.RoomId}/files/{file.FileId}/chunks/{index}")
            {
                Content = new ByteArrayContent(new byte[length]),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("ParleyMember", $"{alice.MemberId}:{Base64Url.Encode(alice.Credentials.MemberToken)}");
            using var response = await h1.SendAsync(request);
            return (response.StatusCode, await response.RefusalCodeAsync());
        }
        Assert.Equal((HttpStatusCode.BadRequest, RefusalCode.ChunkInvalid), await PutChunk(0, 50));
        Assert.Equal((HttpStatusCode.BadRequest, RefusalCode.ChunkInvalid), await PutChunk(1, 100 + FileLayout.TagBytes));
        Assert.Empty((await files.StatusAsync(file.FileId)).Received);
    }

    [Fact]
    public async Task A_cancelled_upload_leaves_no_blob_behind()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, files, http) = await MemberAsync(room);
        using var _h = http;
        await using var _a = alice;
        var content = new GeneratedContent(2L * FileLayout.ChunkBytes, 5);
        var file = await files.CreateAsync(content.Length);
        await files.UploadChunksAsync(file, content, [0]);
        var folder = Path.Combine(fixture.Server.DataDirectory, "blobs", room.RoomId, file.FileId);
        Assert.True(File.Exists(Path.Combine(folder, "0")));

        await files.DeleteAsync(file.FileId);

        Assert.False(Directory.Exists(folder));
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<HttpRefusalException>(() => files.StatusAsync(file.FileId))).StatusCode);
    }
}

public class AbandonedUploadTests
{
    [Fact]
    public async Task An_upload_left_unfinished_is_swept_away_while_completed_files_stay()
    {
        await using var server = await ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["Parley__AbandonedUploadAfter"] = "00:00:02",
            ["Parley__Policy__GuestsMayShareFiles"] = "true",
            ["Parley__CleanupInterval"] = "00:00:00.500",
        });
        using var http = server.CreateHttpClient();
        var room = await RoomSession.CreateRoomAsync(http);
        var (roomId, secret) = room;
        var (alice, _) = await RoomSession.JoinAsCreatorAsync(server.BaseUri, room);
        await using var _a = alice;
        var files = alice.Files(http);
        var content = new GeneratedContent(2L * FileLayout.ChunkBytes, 4);
        var abandoned = await files.CreateAsync(content.Length);
        await files.UploadChunksAsync(abandoned, content, [0]);
        var kept = await files.UploadAsync(content, content.Length);
        var abandonedFolder = Path.Combine(server.DataDirectory, "blobs", roomId, abandoned.FileId);
        Assert.True(Directory.Exists(abandonedFolder));

        await Eventually.True(() => !Directory.Exists(abandonedFolder), "the abandoned upload's chunks to be deleted", 15_000);

        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<HttpRefusalException>(() => files.StatusAsync(abandoned.FileId))).StatusCode);
        using var sink = new HashingSink();
        await files.DownloadAsync(kept.FileId, kept.Key, kept.Size, sink);
        Assert.Equal(content.Length, sink.BytesWritten);
    }
}

public class ReleasedFileTests
{
    [Fact]
    public async Task A_file_let_go_of_just_before_the_server_stopped_is_deleted_when_it_starts_again()
    {
        var data = Directory.CreateTempSubdirectory("parley-released-").FullName;
        string roomId, releasedId, keptId;
        TestDatabase database;
        await using (var server = await ParleyServerProcess.StartAsync(data, new Dictionary<string, string> { ["Parley__Policy__GuestsMayShareFiles"] = "true" }))
        {
            database = server.Database; // the restarted server below finds the same one
            using var http = server.CreateHttpClient();
            var room = await RoomSession.CreateRoomAsync(http);
            roomId = room.RoomId;
            var (alice, _) = await RoomSession.JoinAsCreatorAsync(server.BaseUri, room);
            await using var _a = alice;
            var files = alice.Files(http);
            releasedId = (await files.UploadAsync(new GeneratedContent(1000, 1), 1000)).FileId;
            keptId = (await files.UploadAsync(new GeneratedContent(1000, 2), 1000)).FileId;
            await server.StopAsync(); // killed right after a commit that let go of the first file, before its blobs went
        }
        Assert.Equal(1, await database.ExecuteAsync("""UPDATE "Files" SET "Released" = TRUE WHERE "Id" = @p0""", releasedId));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.True(Directory.Exists(Path.Combine(data, "blobs", roomId, releasedId)));

        await using (var restarted = await ParleyServerProcess.StartAsync(data))
        {
            await Eventually.True(() => !Directory.Exists(Path.Combine(data, "blobs", roomId, releasedId)), "the released file's blobs to go");
            Assert.True(Directory.Exists(Path.Combine(data, "blobs", roomId, keptId)));
            await restarted.StopAsync();
        }
        Directory.Delete(data, recursive: true);
        await database.DropAsync();
    }
}
