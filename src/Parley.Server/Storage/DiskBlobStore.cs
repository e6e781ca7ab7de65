using Microsoft.Extensions.Options;
using Parley.Server.Hosting;

namespace Parley.Server.Storage;

/// <summary>Chunks as files under {DataDirectory}/blobs/{roomId}/{fileId}/{index}.</summary>
public sealed class DiskBlobStore(IOptions<ParleyOptions> options, IWebHostEnvironment environment) : IBlobStore
{
    readonly string root = Path.Combine(options.Value.DataPath(environment), "blobs");

    public async Task<IStagedChunk> StageChunkAsync(string roomId, string fileId, int index, Stream content, long length,
        CancellationToken ct)
    {
        var path = ChunkPath(roomId, fileId, index);
        PrivateFiles.CreateFolder(Path.GetDirectoryName(path)!);
        // Written aside and renamed into place: a reader never sees half a chunk, a crash leaves none.
        var staged = new StagedFile(path + "." + Guid.NewGuid().ToString("N") + ".part", path);
        try
        {
            await using var file = new FileStream(staged.Partial, PrivateFiles.NewFile(FileOptions.Asynchronous));
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await content.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > length) throw new InvalidDataException($"The chunk is longer than {length} bytes.");
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
            if (total != length) throw new InvalidDataException($"The chunk is {total} bytes; {length} were expected.");
            file.Flush(flushToDisk: true);
            return staged;
        }
        catch
        {
            await staged.DisposeAsync();
            throw;
        }
    }

    public Task<Stream> OpenChunkAsync(string roomId, string fileId, int index, CancellationToken ct) =>
        Task.FromResult<Stream>(new FileStream(ChunkPath(roomId, fileId, index), FileMode.Open, FileAccess.Read,
            FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan));

    public Task DeleteFileAsync(string roomId, string fileId, CancellationToken ct)
    {
        var folder = Path.Combine(RoomFolder(roomId), Checked(fileId));
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    public Task DeleteRoomAsync(string roomId, CancellationToken ct)
    {
        var folder = RoomFolder(roomId);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    string RoomFolder(string roomId) => Path.Combine(root, Checked(roomId));

    string ChunkPath(string roomId, string fileId, int index) =>
        index >= 0 ? Path.Combine(RoomFolder(roomId), Checked(fileId), index.ToString()) : throw new ArgumentOutOfRangeException(nameof(index));

    sealed class StagedFile(string partial, string path) : IStagedChunk
    {
        public string Partial => partial;

        public Task PlaceAsync(CancellationToken ct)
        {
            File.Move(partial, path, overwrite: true);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            if (File.Exists(partial)) File.Delete(partial);
            return ValueTask.CompletedTask;
        }
    }

    // Ids are made by the server, but a path is built from them: refuse anything that is not one.
    static string Checked(string id) => Ids.IsWellFormed(id) ? id : throw new ArgumentException($"Not an id: {id}");
}
