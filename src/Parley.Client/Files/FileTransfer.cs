using System.Buffers;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Protocol;

namespace Parley.Client.Files;

public sealed record UploadedFile(string FileId, byte[] Key, long Size);

/// <summary>What a room's uploads hold against its limits (plaintext bytes).</summary>
public sealed record RoomUsage(long UsedBytes, long MaxRoomBytes, long MaxFileBytes);

public sealed record FileStatus(string FileId, long Size, int ChunkBytes, int ChunkCount, IReadOnlyList<int> Received,
    bool Complete, string Uploader, DateTime CreatedAt);

/// <summary>Encrypted, chunked, resumable uploads and streaming downloads, one chunk in memory at a time.</summary>
public sealed class FileTransfer(HttpClient http, string roomId, MemberCredentials member)
{
    sealed record Created(string FileId, int ChunkBytes, int ChunkCount);

    string Files => $"/api/rooms/{roomId}/files";

    HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("ParleyMember",
            $"{member.MemberId}:{Base64Url.Encode(member.MemberToken)}");
        return request;
    }

    async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var response = await http.SendAsync(request, completion, ct);
        try { await HttpProblems.EnsureSuccessAsync(response, ct); }
        catch
        {
            response.Dispose();
            throw;
        }
        return response;
    }

    /// <summary>Creates the file on the server; nothing is uploaded yet.</summary>
    public async Task<UploadedFile> CreateAsync(long size, CancellationToken ct = default)
    {
        using var request = Request(HttpMethod.Post, Files);
        request.Content = JsonContent.Create(new { size });
        using var response = await SendAsync(request, ct);
        var created = await response.Content.ReadFromJsonAsync<Created>(ct);
        return new UploadedFile(created!.FileId, FileCipher.NewKey(), size);
    }

    /// <summary>Encrypts and uploads the chunks <paramref name="indices"/> (all when null) read from a seekable source.</summary>
    public async Task UploadChunksAsync(UploadedFile file, Stream plaintext, IEnumerable<int>? indices = null,
        IProgress<long>? progress = null, CancellationToken ct = default)
    {
        var count = FileLayout.ChunkCount(file.Size);
        var plain = ArrayPool<byte>.Shared.Rent(FileLayout.ChunkBytes);
        var cipher = ArrayPool<byte>.Shared.Rent(FileLayout.ChunkBytes + FileLayout.TagBytes);
        try
        {
            long sent = 0;
            foreach (var i in indices ?? Enumerable.Range(0, count))
            {
                var length = FileLayout.PlainLength(file.Size, i);
                plaintext.Position = (long)i * FileLayout.ChunkBytes;
                await plaintext.ReadExactlyAsync(plain.AsMemory(0, length), ct);
                FileCipher.EncryptChunk(file.Key, file.FileId, i, i == count - 1, plain.AsSpan(0, length), cipher);
                using var request = Request(HttpMethod.Put, $"{Files}/{file.FileId}/chunks/{i}");
                request.Content = new ByteArrayContent(cipher, 0, length + FileLayout.TagBytes);
                using var _ = await SendAsync(request, ct);
                progress?.Report(sent += length);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plain);
            ArrayPool<byte>.Shared.Return(cipher);
        }
    }

    public async Task CompleteAsync(string fileId, CancellationToken ct = default)
    {
        using var request = Request(HttpMethod.Post, $"{Files}/{fileId}/complete");
        using var _ = await SendAsync(request, ct);
    }

    /// <summary>Create, upload every chunk, complete.</summary>
    public async Task<UploadedFile> UploadAsync(Stream plaintext, long size, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        var file = await CreateAsync(size, ct);
        await UploadChunksAsync(file, plaintext, null, progress, ct);
        await CompleteAsync(file.FileId, ct);
        return file;
    }

    public async Task<FileStatus> StatusAsync(string fileId, CancellationToken ct = default)
    {
        using var request = Request(HttpMethod.Get, $"{Files}/{fileId}");
        using var response = await SendAsync(request, ct);
        return (await response.Content.ReadFromJsonAsync<FileStatus>(ct))!;
    }

    /// <summary>The room's uploads against its limits, to say "too large" before an upload starts.</summary>
    public async Task<RoomUsage> UsageAsync(CancellationToken ct = default)
    {
        using var request = Request(HttpMethod.Get, $"/api/rooms/{roomId}/usage");
        using var response = await SendAsync(request, ct);
        return (await response.Content.ReadFromJsonAsync<RoomUsage>(ct))!;
    }

    public async Task DeleteAsync(string fileId, CancellationToken ct = default)
    {
        using var request = Request(HttpMethod.Delete, $"{Files}/{fileId}");
        using var _ = await SendAsync(request, ct);
    }

    /// <summary>Streams the encrypted content (a byte range when given) without decrypting it.</summary>
    public async Task<HttpResponseMessage> GetContentAsync(string fileId, RangeHeaderValue? range = null, CancellationToken ct = default)
    {
        using var request = Request(HttpMethod.Get, $"{Files}/{fileId}/content");
        request.Headers.Range = range;
        return await SendAsync(request, ct, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>Downloads and decrypts into <paramref name="destination"/>, streaming.</summary>
    public async Task DownloadAsync(string fileId, byte[] key, long size, Stream destination, IProgress<long>? progress = null,
        CancellationToken ct = default)
    {
        using var response = await GetContentAsync(fileId, null, ct);
        await using var source = await response.Content.ReadAsStreamAsync(ct);
        await FileCipher.DecryptStreamAsync(key, fileId, size, source, destination, progress, ct);
    }
}
