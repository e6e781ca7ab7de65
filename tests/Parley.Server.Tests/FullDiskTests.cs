using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Data.Sqlite;
using Parley.Client;
using Parley.Client.Files;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>A real small full disk: a tmpfs mounted as the server's data folder. Needs root (CI runs as root).</summary>
public static class Tmpfs
{
    public static readonly Lazy<string?> WhyNot = new(() =>
    {
        if (!OperatingSystem.IsLinux()) return "tmpfs mounts need Linux";
        var probe = Directory.CreateTempSubdirectory("parley-tmpfs-probe-").FullName;
        try { return Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe) ? null : "mounting a tmpfs is not permitted here (run as root)"; }
        finally
        {
            Run("umount", probe);
            Directory.Delete(probe);
        }
    });

    public static string Mount(string size)
    {
        var folder = Directory.CreateTempSubdirectory("parley-full-disk-").FullName;
        if (!Run("mount", "-t", "tmpfs", "-o", $"size={size},mode=0700", "tmpfs", folder)) throw new InvalidOperationException("mount failed");
        return folder;
    }

    public static void Unmount(string folder)
    {
        // A lazy unmount as the fallback: a leftover mount must never outlive the test run.
        if (!Run("umount", folder)) Run("umount", "-l", folder);
        Directory.Delete(folder, recursive: true);
    }

    static bool Run(string file, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit(10_000);
            return process.HasExited && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }
}

/// <summary>A fact that runs only where a tmpfs can be mounted, and says why when it cannot.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (Tmpfs.WhyNot.Value is { } why) Skip = "Needs a real full disk: " + why;
    }
}

/// <summary>The shared server, on a 12 MiB tmpfs (no server when tmpfs cannot be mounted: the tests skip).</summary>
public sealed class FullDiskFixture : ServerFixture
{
    string? disk;

    public string Disk => disk!;

    public override async Task InitializeAsync()
    {
        if (Tmpfs.WhyNot.Value is not null) return;
        disk = Tmpfs.Mount("12m");
        Server = await ParleyServerProcess.StartAsync(disk, Settings);
    }

    public override async Task DisposeAsync()
    {
        if (disk is null) return;
        await Server.DisposeAsync();
        SqliteConnection.ClearAllPools(); // the tests' reads keep the database open otherwise, and the mount busy
        Tmpfs.Unmount(disk);
    }
}

public class FullDiskTests(FullDiskFixture fixture) : IClassFixture<FullDiskFixture>
{
    const int MiB = FileLayout.ChunkBytes;

    [TmpfsFact]
    public async Task A_full_disk_refuses_uploads_and_pushes_as_storage_full_with_nothing_half_written_and_a_delete_frees_space()
    {
        var room = await fixture.NewRoomAsync();
        await using var alice = await FilesMember.JoinAsync(fixture, room);
        var transfer = alice.Files.Transfer;
        var uploaded = new List<string>();
        HttpRefusalException? refused = null;
        // Bounded: the disk holds 12 MiB, these are 1 MiB each.
        for (var i = 0; i < 30 && refused is null; i++)
        {
            try
            {
                var file = await transfer.CreateAsync(MiB);
                await transfer.UploadChunksAsync(file, new MemoryStream(new byte[MiB]));
                await transfer.CompleteAsync(file.FileId);
                uploaded.Add(file.FileId);
            }
            catch (HttpRefusalException e) { refused = e; }
        }

        Assert.NotNull(refused);
        Assert.Equal((HttpStatusCode.InsufficientStorage, RefusalCode.StorageFull), (refused.StatusCode, refused.Code));
        Assert.NotEmpty(uploaded);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(fixture.Disk, "blobs"), "*.part", SearchOption.AllDirectories));
        // Every chunk row has its blob: the refused chunk left neither.
        var chunkRows = await fixture.CountAsync("""SELECT COUNT(*) FROM "FileChunks" c JOIN "Files" f ON f."Id" = c."FileId" WHERE f."RoomId" = @p0""", room.RoomId);
        var blobs = Directory.EnumerateFiles(Path.Combine(fixture.Disk, "blobs", room.RoomId), "*", SearchOption.AllDirectories).Count();
        Assert.Equal(chunkRows, blobs);

        // Whatever space is left, take it: the database cannot grow either.
        FillUp(Path.Combine(fixture.Disk, "filler"));
        var acknowledged = 0;
        HubException? full = null;
        for (var i = 0; i < 40 && full is null; i++)
        {
            try
            {
                await alice.Session.PushUpdateAsync(new byte[64 * 1024]);
                acknowledged++;
            }
            catch (HubException e) { full = e; }
        }
        Assert.NotNull(full);
        Assert.Equal(RefusalCode.StorageFull, full.RefusalCode());
        Assert.Equal(acknowledged, await fixture.CountRowsAsync("DocUpdates", room.RoomId));
        Assert.Equal(acknowledged, await fixture.CountAsync("""SELECT "LatestSeq" FROM "Rooms" WHERE "Id" = @p0""", room.RoomId));

        // Deleting works on the full disk, and what it frees takes the next push.
        await transfer.DeleteAsync(uploaded[0]);
        Assert.False(Directory.Exists(Path.Combine(fixture.Disk, "blobs", room.RoomId, uploaded[0])));
        var pushed = await alice.Session.PushUpdateAsync(new byte[64 * 1024]);
        Assert.Equal(acknowledged + 1, pushed.Seq);
        var gone = await Assert.ThrowsAsync<HttpRefusalException>(() => transfer.StatusAsync(uploaded[0]));
        Assert.Equal(RefusalCode.FileUnknown, gone.Code);
    }

    static void FillUp(string path)
    {
        var block = new byte[64 * 1024];
        try
        {
            using var filler = new FileStream(path, FileMode.Create);
            for (var i = 0; i < 1024; i++) filler.Write(block);
        }
        catch (IOException) { } // the disk is full: that was the point
    }
}
