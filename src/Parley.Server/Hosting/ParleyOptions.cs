using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Hosting;

/// <summary>Settings under "Parley" (environment: Parley__Name). Documented in docs/configuration.md.</summary>
public sealed class ParleyOptions : IValidatableObject
{
    public const string Section = "Parley";

    /// <summary>Folder for the SQLite database, the blobs and the data protection keys.</summary>
    [Required] public string DataDirectory { get; set; } = "data";

    /// <summary>The data folder as a full path; a relative one is under the content root.</summary>
    public string DataPath(IHostEnvironment environment) => Path.GetFullPath(DataDirectory, environment.ContentRootPath);

    /// <summary>Readiness fails when the data folder's disk has less free space than this.</summary>
    [Range(0, long.MaxValue)] public long MinFreeDiskBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Largest envelope ciphertext accepted, in bytes.</summary>
    [Range(1024, 64 * 1024 * 1024)] public int MaxEnvelopeBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest chat message envelope ciphertext, in bytes.</summary>
    [Range(256, 16 * 1024 * 1024)] public int MaxChatBytes { get; set; } = 64 * 1024;

    /// <summary>Largest file (plaintext bytes) that may be attached.</summary>
    [Range(1, long.MaxValue)] public long MaxFileBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Most plaintext bytes all the uploads of one room may hold together (attachments, file manager, unfinished uploads).</summary>
    [Range(1, long.MaxValue)] public long MaxRoomBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>Most ciphertext bytes one room's stored document (snapshot + updates since it) and chat may hold
    /// together. The chat may take a quarter of it (<see cref="MaxChatLogBytes"/>), the document the rest.</summary>
    [Range(256 * 1024, long.MaxValue)] public long MaxRoomLogBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The chat's share of <see cref="MaxRoomLogBytes"/>: nothing compacts chat, so it cannot crowd out the document.</summary>
    public long MaxChatLogBytes => MaxRoomLogBytes / 4;

    /// <summary>The document's share of <see cref="MaxRoomLogBytes"/>: its snapshot plus the updates since.</summary>
    public long MaxDocLogBytes => MaxRoomLogBytes - MaxChatLogBytes;

    /// <summary>An upload neither completed nor cancelled this long after it started is deleted.</summary>
    public TimeSpan AbandonedUploadAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the cleanup service looks for abandoned uploads.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Ask for a snapshot every this many updates since the last one…</summary>
    [Range(2, 1_000_000)] public int SnapshotEveryUpdates { get; set; } = 500;

    /// <summary>…or every this many bytes of updates since the last one.</summary>
    [Range(1024, long.MaxValue)] public long SnapshotEveryBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Most updates returned by one JoinRoom or FetchUpdates call.</summary>
    [Range(10, 100_000)] public int UpdatePageSize { get; set; } = 1000;

    /// <summary>Rooms one client address may create per minute.</summary>
    [Range(1, 100_000)] public int RoomsPerMinute { get; set; } = 30;

    /// <summary>Hub calls one connection may make per second (bursts of twice that are allowed).</summary>
    [Range(1, 100_000)] public int HubCallsPerSecond { get; set; } = 200;

    /// <summary>Wrong room-password guesses one address may make in a room before it has to wait.</summary>
    [Range(1, 1000)] public int PasswordFreeTries { get; set; } = 5;

    /// <summary>The first wait after the free tries; it doubles with each further wrong guess…</summary>
    public TimeSpan PasswordBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>…up to this.</summary>
    public TimeSpan PasswordBackoffMax { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Wrong guesses a room takes from all addresses together in an hour; then newcomers are refused until the hour is over.</summary>
    [Range(1, 1_000_000)] public int PasswordFailuresPerRoomPerHour { get; set; } = 100;

    /// <summary>How long a stop (SIGTERM) may take to write out queued pushes and close connections before the process exits anyway.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Origins besides the server's own whose pages may open the hub (for example "https://parley.example").</summary>
    public string[] AllowedOrigins { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        // A room must be able to hold at least a snapshot and an update, and one chat message.
        if (MaxDocLogBytes < 2L * MaxEnvelopeBytes)
            yield return new ValidationResult($"MaxRoomLogBytes leaves the document {MaxDocLogBytes} bytes: at least two envelopes (2 × MaxEnvelopeBytes) must fit.",
                [nameof(MaxRoomLogBytes)]);
        if (MaxChatLogBytes < MaxChatBytes)
            yield return new ValidationResult($"MaxRoomLogBytes leaves the chat {MaxChatLogBytes} bytes: at least one message (MaxChatBytes) must fit.",
                [nameof(MaxRoomLogBytes)]);
    }
}
