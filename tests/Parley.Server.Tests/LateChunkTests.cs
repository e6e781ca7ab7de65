using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Parley.Client;
using Parley.Client.Crypto;
using Parley.Client.Files;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>A complete file is immutable, however a chunk write and the completion interleave.</summary>
public class LateChunkTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_chunk_still_streaming_when_the_file_completes_is_refused_and_changes_nothing()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        using var http = fixture.Server.CreateHttpClient();
        var files = alice.Files(http);
        var content = new GeneratedContent(2L * FileLayout.ChunkBytes, 21);
        var file = await files.CreateAsync(content.Length);
        await files.UploadChunksAsync(file, content);
        var staging = Path.Combine(fixture.Server.DataDirectory, "blobs", ".staging");
        var parts = file.FileId + ".*.part";

        // A rewrite of chunk 0 that sends half its bytes, then waits: the server has passed its
        // checks and is writing the chunk aside when its .part file appears in the staging folder.
        var length = (int)FileLayout.CipherLength(file.Size, 0);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var late = new HttpRequestMessage(HttpMethod.Put, $"/api/rooms/{room.RoomId}/files/{file.FileId}/chunks/0")
        {
            Content = new PausingContent(new byte[length], length / 2, gate.Task),
        };
        late.Headers.Authorization = new AuthenticationHeaderValue("ParleyMember",
            $"{alice.MemberId}:{Base64Url.Encode(alice.Credentials.MemberToken)}");
        var lateResponse = http.SendAsync(late);
        await Eventually.True(() => Directory.Exists(staging) && Directory.EnumerateFiles(staging, parts).Any(), "the late chunk to be streaming");

        await files.CompleteAsync(file.FileId);
        gate.SetResult();
        using var refused = await lateResponse;

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("file-complete", problem.GetProperty("code").GetString());
        using var sink = new HashingSink();
        await files.DownloadAsync(file.FileId, file.Key, file.Size, sink);
        content.Position = 0;
        Assert.Equal(SHA256.HashData(content), sink.Hash());
        Assert.Empty(Directory.EnumerateFiles(staging, parts));
    }

    [Fact]
    public async Task A_chunk_sent_after_completion_is_refused_with_its_code()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        using var http = fixture.Server.CreateHttpClient();
        var files = alice.Files(http);
        var content = new GeneratedContent(100, 22);
        var uploaded = await files.UploadAsync(content, content.Length);

        var refused = await Assert.ThrowsAsync<HttpRefusalException>(() => files.UploadChunksAsync(uploaded, new GeneratedContent(100, 23)));

        Assert.Equal((HttpStatusCode.Conflict, RefusalCode.FileComplete), (refused.StatusCode, refused.Code));
        using var sink = new HashingSink();
        await files.DownloadAsync(uploaded.FileId, uploaded.Key, uploaded.Size, sink);
        content.Position = 0;
        Assert.Equal(SHA256.HashData(content), sink.Hash());
    }

    /// <summary>A request body that sends its first bytes, then waits for a signal before the rest.</summary>
    sealed class PausingContent(byte[] bytes, int pauseAt, Task resume) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, pauseAt));
            await stream.FlushAsync();
            await resume;
            await stream.WriteAsync(bytes.AsMemory(pauseAt));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
