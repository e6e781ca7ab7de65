using System.Globalization;
using Microsoft.Extensions.Options;
using Parley.Server.Cluster;
using Parley.Server.Hosting;

namespace Parley.Server.Storage;

/// <summary>
/// Chunks as files under {DataDirectory}/blobs/{roomId}/{fileId}/{index}. Several nodes may share the
/// folder (a mounted volume), so every change is one rename, which the file system makes atomic and
/// exclusive: a chunk is written under a name of its own in <c>.staging</c> and renamed into place;
/// a file or room is renamed into <c>.deleting</c> (one node wins, the others find nothing) and only
/// then emptied. Both folders sit on the same volume as the chunks, so the renames never copy.
/// </summary>
public sealed class DiskBlobStore(string root, string node) : IBlobStore
{
    // Not ids (ids have no dot), so they never meet a room's folder.
    const string StagingFolder = ".staging", DeletingFolder = ".deleting";

    readonly string staging = Path.Combine(root, StagingFolder);
    readonly string deleting = Path.Combine(root, DeletingFolder);

    public DiskBlobStore(IOptions<ParleyOptions> options, IWebHostEnvironment environment, ClusterNode node)
        : this(Path.Combine(options.Value.DataPath(environment), "blobs"), node.Id) { }

    public async Task<IStagedChunk> StageChunkAsync(string roomId, string fileId, int index, Stream content, long length,
        CancellationToken ct)
    {
        var path = ChunkPath(roomId, fileId, index);
        PrivateFiles.CreateFolder(staging);
        // The node and a random part make the name unique across nodes; the file id tells an operator whose it is.
        var staged = new StagedFile(Path.Combine(staging, $"{fileId}.{index}.{node}.{Guid.NewGuid():N}.part"), path);
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

    public Task<Stream> OpenChunkAsync(string roomId, string fileId, int index, CancellationToken ct)
    {
        try
        {
            return Task.FromResult<Stream>(new FileStream(ChunkPath(roomId, fileId, index), FileMode.Open, FileAccess.Read,
                FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // The chunk or its file's folder is gone (deleted, maybe by another node): either way a missing chunk.
            throw new BlobMissingException($"Chunk {index} of file {fileId} is not stored.", e);
        }
    }

    public Task DeleteFileAsync(string roomId, string fileId, CancellationToken ct) =>
        DeleteFolderAsync(Path.Combine(RoomFolder(roomId), Checked(fileId)));

    public Task DeleteRoomAsync(string roomId, CancellationToken ct) => DeleteFolderAsync(RoomFolder(roomId));

    public Task DiscardLeftoversAsync(DateTime before, CancellationToken ct)
    {
        // A staged chunk is written to while its upload streams (Kestrel cuts off a stalled body
        // within seconds), so one untouched since the cutoff belongs to a node that was killed.
        if (Directory.Exists(staging))
            foreach (var part in Directory.EnumerateFiles(staging, "*.part"))
                if (File.GetLastWriteTimeUtc(part) < before) File.Delete(part); // no error when another node was first
        if (Directory.Exists(deleting))
            foreach (var folder in Directory.EnumerateDirectories(deleting))
                if (MovedAt(Path.GetFileName(folder)) < before) Empty(folder);
        return Task.CompletedTask;
    }

    Task DeleteFolderAsync(string folder)
    {
        var doomed = Path.Combine(deleting, $"{DateTime.UtcNow.Ticks}.{node}.{Guid.NewGuid():N}");
        try
        {
            PrivateFiles.CreateFolder(deleting);
            Directory.Move(folder, doomed);
        }
        catch (DirectoryNotFoundException) { return Task.CompletedTask; } // never stored, or another node moved it first
        catch (IOException e) when (DiskFull.Is(e))
        {
            // A new directory entry may need a block a full disk does not have; deleting never does,
            // and this delete is what frees the space (DiskFull.FreeingBlobsFirstIfFullAsync).
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            return Task.CompletedTask;
        }
        Empty(doomed);
        return Task.CompletedTask;
    }

    // Out of every reader's way already: if another node's leftover sweep empties it at the same
    // time, whatever this one cannot delete is that node's to finish, or the next sweep's.
    static void Empty(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
    }

    static DateTime MovedAt(string name) =>
        long.TryParse(name.AsSpan(0, Math.Max(0, name.IndexOf('.'))), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
        && ticks is >= 0 and <= 3155378975999999999 ? new DateTime(ticks, DateTimeKind.Utc) : DateTime.MinValue;

    string RoomFolder(string roomId) => Path.Combine(root, Checked(roomId));

    string ChunkPath(string roomId, string fileId, int index) =>
        index >= 0 ? Path.Combine(RoomFolder(roomId), Checked(fileId), index.ToString()) : throw new ArgumentOutOfRangeException(nameof(index));

    sealed class StagedFile(string partial, string path) : IStagedChunk
    {
        public string Partial => partial;

        public Task PlaceAsync(CancellationToken ct)
        {
            // The file's folder is made here, not while staging: only a chunk that may land (its
            // file's row is locked, see FilesApi) creates anything a delete has to race with.
            PrivateFiles.CreateFolder(Path.GetDirectoryName(path)!);
            File.Move(partial, path, overwrite: true);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            File.Delete(partial); // nothing to do once placed: the name is gone
            return ValueTask.CompletedTask;
        }
    }

    // Ids are made by the server, but a path is built from them: refuse anything that is not one.
    static string Checked(string id) => Ids.IsWellFormed(id) ? id : throw new ArgumentException($"Not an id: {id}");
}
