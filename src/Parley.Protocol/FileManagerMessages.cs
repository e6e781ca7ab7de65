using System.Text.Json.Serialization;
using MessagePack;

namespace Parley.Protocol;

// The room's file manager (docs/protocol.md, "File manager"). The server sees ids, sizes, times
// and who did what; names, folders, types and file keys travel only inside the `meta` envelope.

/// <summary>A file or folder of the room. Times are Unix milliseconds, UTC.</summary>
/// <param name="FileId">The completed upload the entry points at; null for a folder.</param>
/// <param name="UpdatedBy">Who wrote the current meta: the sender bound into its associated data.</param>
[MessagePackObject]
public sealed record Entry(
    [property: Key("entryId")] string EntryId,
    [property: Key("fileId")] string? FileId,
    [property: Key("version")] int Version,
    [property: Key("size")] long Size,
    [property: Key("uploader")] string Uploader,
    [property: Key("updatedBy")] string UpdatedBy,
    [property: Key("createdAt")] long CreatedAt,
    [property: Key("updatedAt")] long UpdatedAt,
    [property: Key("meta")] Envelope Meta);

/// <summary>A new entry (<paramref name="EntryId"/> null), a new version (a new <paramref name="FileId"/>) or new meta only.</summary>
[MessagePackObject]
public sealed record EntryWrite(
    [property: Key("entryId")] string? EntryId,
    [property: Key("fileId")] string? FileId,
    [property: Key("meta")] Envelope Meta,
    [property: Key("expectedVersion")] int ExpectedVersion);

[MessagePackObject]
public sealed record EntryPage(
    [property: Key("entries")] IReadOnlyList<Entry> Entries,
    [property: Key("more")] bool More);

/// <summary>One line of the room's activity log: who did what to which entry, when (Unix ms, UTC). Never a name.</summary>
[MessagePackObject]
public sealed record ActivityEvent(
    [property: Key("seq")] long Seq,
    [property: Key("at")] long At,
    [property: Key("memberId")] string MemberId,
    [property: Key("action")] string Action,
    [property: Key("entryId")] string? EntryId,
    [property: Key("fileId")] string? FileId);

[MessagePackObject]
public sealed record ActivityPage(
    [property: Key("events")] IReadOnlyList<ActivityEvent> Events,
    [property: Key("more")] bool More);

/// <summary>The actions the activity log records.</summary>
public static class ActivityAction
{
    public const string Joined = "joined";
    public const string Left = "left";
    public const string Kicked = "kicked";
    public const string Uploaded = "uploaded";
    public const string Folder = "folder";
    public const string Updated = "updated";
    public const string Renamed = "renamed";
    public const string Deleted = "deleted";
    public const string Downloaded = "downloaded";
}

/// <summary>The plaintext of a <c>file-meta</c> envelope (UTF-8 JSON).</summary>
/// <param name="Path">The folders from the root down, then the entry's own name.</param>
/// <param name="Key">The file's key, base64url; null for a folder.</param>
public sealed record FileMeta(
    [property: JsonPropertyName("v")] int V,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("path")] IReadOnlyList<string> Path,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("size")] long? Size,
    [property: JsonPropertyName("key")] string? Key)
{
    public const string FileKind = "file";
    public const string FolderKind = "folder";
}
