using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Protocol;

namespace Parley.Client.Files;

/// <summary>An entry of the room's file manager with its meta decrypted.</summary>
public sealed record RoomEntry(Entry Entry, FileMeta Meta)
{
    public string Name => Meta.Path[^1];
    public bool IsFolder => Meta.Kind == FileMeta.FolderKind;
}

/// <summary>
/// An upload that may be finished later, by this client or a new one after a cut: everything a
/// client must keep (the browser keeps it in IndexedDB). The key never leaves the client.
/// </summary>
/// <param name="EntryId">The entry this upload will be a new version of; null for a new entry.</param>
public sealed record PendingUpload(UploadedFile File, IReadOnlyList<string> Path, string? Type, string? EntryId = null,
    int ExpectedVersion = 0);

/// <summary>
/// The room's files and folders (docs/protocol.md, "File manager"), as one member: uploads through
/// <see cref="FileTransfer"/>, entries whose names, types and keys travel sealed as file-meta.
/// </summary>
public sealed class RoomFiles(RoomSession session, FileTransfer transfer)
{
    public FileTransfer Transfer => transfer;

    public async Task<RoomEntry> CreateFolderAsync(IReadOnlyList<string> path, CancellationToken ct = default) =>
        await PutAsync(new EntryWrite(null, null, Seal(new FileMeta(1, FileMeta.FolderKind, CheckPath(path), null, null, null)), 0), ct);

    /// <summary>Uploads a new file and makes its entry.</summary>
    public async Task<RoomEntry> UploadAsync(IReadOnlyList<string> path, Stream content, long size, string? type = null,
        IProgress<long>? progress = null, CancellationToken ct = default) =>
        await FinishUploadAsync(await BeginUploadAsync(path, size, type, ct: ct), content, progress, ct);

    /// <summary>Uploads a new version of a file entry; the server then deletes the previous one.</summary>
    public async Task<RoomEntry> UpdateAsync(RoomEntry entry, Stream content, long size, IProgress<long>? progress = null,
        CancellationToken ct = default) =>
        await FinishUploadAsync(await BeginUploadAsync(entry.Meta.Path, size, entry.Meta.Type, entry.Entry, ct), content, progress, ct);

    /// <summary>Creates the file on the server (the quotas are checked here); nothing is uploaded yet.</summary>
    /// <param name="replacing">The entry this becomes a new version of, if any.</param>
    public async Task<PendingUpload> BeginUploadAsync(IReadOnlyList<string> path, long size, string? type = null, Entry? replacing = null,
        CancellationToken ct = default) =>
        new(await transfer.CreateAsync(size, ct), CheckPath(path), type, replacing?.EntryId, replacing?.Version ?? 0);

    /// <summary>Sends the chunks the server does not have yet, completes the upload and writes the entry.</summary>
    public async Task<RoomEntry> FinishUploadAsync(PendingUpload upload, Stream content, IProgress<long>? progress = null,
        CancellationToken ct = default)
    {
        var file = upload.File;
        var status = await transfer.StatusAsync(file.FileId, ct);
        if (!status.Complete)
        {
            await transfer.UploadChunksAsync(file, content, Enumerable.Range(0, status.ChunkCount).Except(status.Received), progress, ct);
            await transfer.CompleteAsync(file.FileId, ct);
        }
        var meta = new FileMeta(1, FileMeta.FileKind, upload.Path, upload.Type, file.Size, Base64Url.Encode(file.Key));
        return await PutAsync(new EntryWrite(upload.EntryId, file.FileId, Seal(meta), upload.ExpectedVersion), ct);
    }

    /// <summary>Renames or moves an entry: new meta, same file, same version.</summary>
    public async Task<RoomEntry> MoveAsync(RoomEntry entry, IReadOnlyList<string> path, CancellationToken ct = default) =>
        await PutAsync(new EntryWrite(entry.Entry.EntryId, null, Seal(entry.Meta with { Path = CheckPath(path) }), entry.Entry.Version), ct);

    /// <returns>How many of the entries were there and are now gone, with their files.</returns>
    public Task<int> DeleteAsync(IEnumerable<string> entryIds, CancellationToken ct = default) =>
        session.Connection.InvokeAsync<int>(HubNames.DeleteEntries, session.RoomId, entryIds.ToList(), ct);

    /// <summary>One page, ordered by entry id, after <paramref name="afterEntryId"/> (null = from the start).</summary>
    public async Task<(IReadOnlyList<RoomEntry> Entries, bool More)> ListPageAsync(string? afterEntryId, int limit, CancellationToken ct = default)
    {
        var page = await session.Connection.InvokeAsync<EntryPage>(HubNames.ListEntries, session.RoomId, afterEntryId, limit, ct);
        return (page.Entries.Select(Open).ToList(), page.More);
    }

    /// <summary>Every entry of the room, page by page.</summary>
    public async Task<IReadOnlyList<RoomEntry>> ListAllAsync(int pageSize = 1000, CancellationToken ct = default)
    {
        var all = new List<RoomEntry>();
        for (string? after = null; ;)
        {
            var (entries, more) = await ListPageAsync(after, pageSize, ct);
            all.AddRange(entries);
            if (!more || entries.Count == 0) return all;
            after = entries[^1].Entry.EntryId;
        }
    }

    /// <summary>Decrypts an entry's meta, sealed by whoever last wrote it.</summary>
    public RoomEntry Open(Entry entry) => new(entry,
        JsonSerializer.Deserialize<FileMeta>(session.Decrypt(EnvelopeKind.FileMeta, entry.UpdatedBy, entry.Meta))
        ?? throw new JsonException("Empty file-meta."));

    /// <summary>Downloads and decrypts a file entry, streaming; the size and key come from the encrypted meta.</summary>
    public Task DownloadAsync(RoomEntry entry, Stream destination, IProgress<long>? progress = null, CancellationToken ct = default) =>
        entry is { Entry.FileId: { } fileId, Meta: { Key: { } key, Size: { } size } }
            ? transfer.DownloadAsync(fileId, Base64Url.Decode(key), size, destination, progress, ct)
            : throw new InvalidOperationException("A folder has no content.");

    /// <summary>The room's activity log, newest first (the creator only).</summary>
    public Task<ActivityPage> ActivityAsync(long beforeSeq = 0, int limit = 200, CancellationToken ct = default) =>
        session.Connection.InvokeAsync<ActivityPage>(HubNames.ActivityLog, session.RoomId, beforeSeq, limit, ct);

    public Task<RoomUsage> UsageAsync(CancellationToken ct = default) => transfer.UsageAsync(ct);

    async Task<RoomEntry> PutAsync(EntryWrite write, CancellationToken ct) =>
        Open(await session.Connection.InvokeAsync<Entry>(HubNames.PutEntry, session.RoomId, write, ct));

    Envelope Seal(FileMeta meta) => session.Encrypt(EnvelopeKind.FileMeta, JsonSerializer.SerializeToUtf8Bytes(meta));

    /// <summary>Names as docs/protocol.md allows them: 1–255 characters, not "." or "..", no slashes or control characters.</summary>
    /// <exception cref="ArgumentException">When a name breaks the rule.</exception>
    public static IReadOnlyList<string> CheckPath(IReadOnlyList<string> path)
    {
        if (path.Count == 0) throw new ArgumentException("A path needs at least the entry's own name.", nameof(path));
        foreach (var name in path)
            if (name is null or { Length: 0 or > 255 } or "." or ".." || name.Any(c => c is '/' or '\\' || char.IsControl(c)))
                throw new ArgumentException($"Not a valid file or folder name: \"{name}\".", nameof(path));
        return path;
    }
}
