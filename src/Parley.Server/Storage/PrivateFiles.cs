namespace Parley.Server.Storage;

/// <summary>
/// What the server writes under its data folder (database, blobs, key ring) is readable by its own
/// user only: folders 0700, files 0600, whatever the process umask. Each writer asks for these modes
/// when it creates something, rather than changing the umask of the whole process.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates a folder and any missing parents as 0700; existing ones are left as they are.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows()) { Directory.CreateDirectory(path); return; }
        if (Directory.Exists(path)) return;
        // Directory.CreateDirectory gives the mode to the last folder only: make the parents first.
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } parent) CreateFolder(parent);
        Directory.CreateDirectory(path, FolderMode);
    }

    /// <summary>Options for a new file that is 0600 from its first byte.</summary>
    public static FileStreamOptions NewFile(FileOptions options = FileOptions.None)
    {
        var file = new FileStreamOptions
        {
            Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 81920, Options = options,
        };
        if (!OperatingSystem.IsWindows()) file.UnixCreateMode = FileMode;
        return file;
    }

    /// <summary>Takes group and other access away from something the server made earlier (or an operator made for it).</summary>
    public static void Restrict(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        if (Directory.Exists(path)) File.SetUnixFileMode(path, FolderMode);
        else if (File.Exists(path)) File.SetUnixFileMode(path, FileMode);
    }
}
