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

/// <summary>Encrypted, chunked, resumable uploads (a few chunks at a time) and streaming downloads; memory stays a few chunks.</summary>
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

    /// <summary>
    /// Chunks uploaded at once: each waits for its own durable write on the server, so one at a
    /// time leaves the link idle during every commit; a few at a time keep it busy. Memory stays
    /// bounded: two chunk buffers per upload in flight.
    /// </summary>
    public int ChunksInFlight { get; set; } = DefaultChunksInFlight;

    public const int DefaultChunksInFlight = 4;

    /// <summary>Encrypts and uploads the chunks <paramref name="indices"/> (all when null) read from a seekable source.</summary>
    public async Task UploadChunksAsync(UploadedFile file, Stream plaintext, IEnumerable<int>? indices = null,
        IProgress<long>? progress = null, CancellationToken ct = default)
    {
        var count = FileLayout.ChunkCount(file.Size);
        using var reading = new SemaphoreSlim(1);
        long sent = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, ChunksInFlight), CancellationToken = ct };
        await Parallel.ForEachAsync(indices ?? Enumerable.Range(0, count), parallel, async (i, ct) =>
        {
            var length = FileLayout.PlainLength(file.Size, i);
            var plain = ArrayPool<byte>.Shared.Rent(FileLayout.ChunkBytes);
            var cipher = ArrayPool<byte>.Shared.Rent(FileLayout.ChunkBytes + FileLayout.TagBytes);
            try
            {
                // One reader at a time: the source is one stream with one position.
                await reading.WaitAsync(ct);
                try
                {
                    plaintext.Position = (long)i * FileLayout.ChunkBytes;
                    await plaintext.ReadExactlyAsync(plain.AsMemory(0, length), ct);
                }
                finally { reading.Release(); }
                FileCipher.EncryptChunk(file.Key, file.FileId, i, i == count - 1, plain.AsSpan(0, length), cipher);
                using var request = Request(HttpMethod.Put, $"{Files}/{file.FileId}/chunks/{i}");
                request.Content = new ByteArrayContent(cipher, 0, length + FileLayout.TagBytes);
                using var _ = await SendAsync(request, ct);
                progress?.Report(Interlocked.Add(ref sent, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(plain);
                ArrayPool<byte>.Shared.Return(cipher);
            }
        });
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
