using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client;
using Parley.Client.Crypto;
using Parley.Client.Files;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;
using Stopwatch = System.Diagnostics.Stopwatch;
using Xunit.Abstractions;

namespace Parley.Server.Tests;

/// <summary>A member with the room's file manager at hand.</summary>
public sealed record FilesMember(RoomSession Session, RoomFiles Files, HttpClient Http) : IAsyncDisposable
{
    public string Id => Session.MemberId;

    public static async Task<FilesMember> JoinAsync(ServerFixture fixture, TestRoom room)
    {
        var (session, _) = await fixture.JoinAsync(room);
        var http = fixture.Server.CreateHttpClient();
        return new FilesMember(session, session.RoomFiles(http), http);
    }

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync();
        Http.Dispose();
    }
}

public class FileManagerTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    static async Task<byte[]> DownloadAsync(FilesMember member, RoomEntry entry)
    {
        using var sink = new MemoryStream();
        await member.Files.DownloadAsync(entry, sink);
        return sink.ToArray();
    }

    string BlobFolder(string roomId, string fileId) => Path.Combine(fixture.Server.DataDirectory, "blobs", roomId, fileId);

    [Fact]
    public async Task A_thousand_files_in_nested_folders_upload_list_page_by_page_and_every_name_decrypts()
    {
        var room = await fixture.NewRoomAsync();
        await using var alice = await FilesMember.JoinAsync(fixture, room);
        await using var bob = await FilesMember.JoinAsync(fixture, room);
        var clock = Stopwatch.StartNew();
        // 10 folders of 10 subfolders each, 10 files in every subfolder: 110 folders, 1,000 files.
        var folders = Enumerable.Range(0, 10).Select(a => (IReadOnlyList<string>)[$"folder {a}"]).ToList();
        var subfolders = folders.SelectMany(f => Enumerable.Range(0, 10).Select(b => (IReadOnlyList<string>)[.. f, $"sub {b} – ünïcode"])).ToList();
        var files = Enumerable.Range(0, 1000).Select(i => (Path: (IReadOnlyList<string>)[.. subfolders[i / 10], $"file {i:D4}.txt"],
            Content: Bytes(1 + i * 37 % 3000, i))).ToList();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8 };
        await Parallel.ForEachAsync(folders, parallel, async (f, ct) => await alice.Files.CreateFolderAsync(f, ct));
        await Parallel.ForEachAsync(subfolders, parallel, async (f, ct) => await alice.Files.CreateFolderAsync(f, ct));
        await Parallel.ForEachAsync(files, parallel, async (f, ct) =>
            await alice.Files.UploadAsync(f.Path, new MemoryStream(f.Content), f.Content.Length, "text/plain", ct: ct));
        var uploaded = clock.Elapsed;

        var listed = new List<RoomEntry>();
        var pages = 0;
        for (string? after = null; ; pages++)
        {
            var (entries, more) = await bob.Files.ListPageAsync(after, 100);
            listed.AddRange(entries);
            if (!more) break;
            after = entries[^1].Entry.EntryId;
        }
        output.WriteLine($"1,110 entries: uploaded in {uploaded.TotalSeconds:0.0} s, listed and decrypted by another member in {(clock.Elapsed - uploaded).TotalSeconds:0.0} s");

        Assert.Equal(11, pages);
        Assert.Equal(1110, listed.Count);
        Assert.Equal(listed.Select(e => e.Entry.EntryId).Order(StringComparer.Ordinal), listed.Select(e => e.Entry.EntryId));
        var expected = folders.Concat(subfolders).Concat(files.Select(f => f.Path)).Select(p => string.Join('/', p)).Order();
        Assert.Equal(expected, listed.Select(e => string.Join('/', e.Meta.Path)).Order());
        Assert.Equal(110, listed.Count(e => e.IsFolder && e.Entry.FileId is null));
        var byPath = files.ToDictionary(f => string.Join('/', f.Path), f => f.Content);
        foreach (var e in listed.Where(e => !e.IsFolder))
        {
            var content = byPath[string.Join('/', e.Meta.Path)];
            Assert.Equal(((long)content.Length, (long?)content.Length, alice.Id), (e.Entry.Size, e.Meta.Size, e.Entry.Uploader));
        }
        foreach (var e in listed.Where(e => !e.IsFolder).Take(5))
            Assert.Equal(byPath[string.Join('/', e.Meta.Path)], await DownloadAsync(bob, e));
    }

    [Fact]
    public async Task An_upload_cut_by_a_server_crash_resumes_with_only_the_missing_chunks_from_a_new_client()
    {
        var data = Directory.CreateTempSubdirectory("parley-resume-").FullName;
        var settings = new Dictionary<string, string> { ["Parley__Policy__GuestsMayShareFiles"] = "true" };
        var content = new GeneratedContent(6L * FileLayout.ChunkBytes + 100, 66);
        NewRoom room;
        MemberCredentials credentials;
        PendingUpload pending;
        await using (var server = await ParleyServerProcess.StartAsync(data, settings))
        {
            using var http = server.CreateHttpClient();
            room = await RoomSession.CreateRoomAsync(http);
            var (alice, _) = await RoomSession.JoinAsCreatorAsync(server.BaseUri, room);
            credentials = alice.Credentials;
            pending = await alice.RoomFiles(http).BeginUploadAsync(["reports", "q3.pdf"], content.Length, "application/pdf");
            using var cut = new CancellationTokenSource();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => alice.Files(http).UploadChunksAsync(pending.File, content,
                progress: new CancelAfter(3L * FileLayout.ChunkBytes, cut), ct: cut.Token));
            await server.StopAsync(); // killed mid-upload, not shut down
            await alice.DisposeAsync();
        }

        await using var restarted = await ParleyServerProcess.StartAsync(data, settings);
        using var again = restarted.CreateHttpClient();
        // A new client (the browser reloaded): the same member, the upload it kept (file id, key, path).
        var (aliceAgain, _) = await RoomSession.JoinAsync(restarted.BaseUri, room.RoomId, room.LinkSecret, credentials);
        await using var _a = aliceAgain;
        var status = await aliceAgain.Files(again).StatusAsync(pending.File.FileId);
        long resent = 0;
        var entry = await aliceAgain.RoomFiles(again).FinishUploadAsync(pending, content, new OnProgress(b => resent = b));
        var (bob, _) = await RoomSession.JoinAsync(restarted.BaseUri, room.RoomId, room.LinkSecret);
        await using var _b = bob;
        var seen = (await bob.RoomFiles(again).ListAllAsync()).Single();
        using var sink = new HashingSink();
        await bob.RoomFiles(again).DownloadAsync(seen, sink);

        // Chunks go up a few at a time and land in any order: the three reported done landed (not necessarily 0, 1 and 2),
        // maybe some that were in flight too; only the rest is sent again.
        Assert.InRange(status.Received.Count, 3, 6);
        Assert.All(status.Received, i => Assert.InRange(i, 0, 6));
        Assert.Equal(content.Length - status.Received.Sum(i => (long)FileLayout.PlainLength(content.Length, i)), resent);
        Assert.Equal(["reports", "q3.pdf"], seen.Meta.Path);
        Assert.Equal(entry.Entry, seen.Entry, EntryComparer.Instance);
        content.Position = 0;
        Assert.Equal(SHA256.HashData(content), sink.Hash());
        await restarted.DisposeAsync();
        Directory.Delete(data, recursive: true);
    }

    /// <summary>Reports synchronously (unlike Progress&lt;T&gt;), so the cut falls right after the chunk that crosses the mark.</summary>
    sealed class CancelAfter(long bytes, CancellationTokenSource cut) : IProgress<long>
    {
        public void Report(long value) { if (value >= bytes) cut.Cancel(); }
    }

    sealed class OnProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    [Fact]
    public async Task A_new_version_and_a_delete_leave_no_old_blob_or_row_and_everyone_is_told()
    {
        var room = await fixture.NewRoomAsync();
        await using var alice = await FilesMember.JoinAsync(fixture, room);
        await using var bob = await FilesMember.JoinAsync(fixture, room);
        var changed = new ConcurrentQueue<Entry>();
        var deleted = new ConcurrentQueue<string>();
        bob.Session.EntriesChanged += entries => { foreach (var e in entries) changed.Enqueue(e); };
        alice.Session.EntriesDeleted += ids => { foreach (var id in ids) deleted.Enqueue(id); };
        var first = Bytes(FileLayout.ChunkBytes + 10, 1);
        var second = Bytes(FileLayout.ChunkBytes / 2, 2);
        var v1 = await alice.Files.UploadAsync(["notes.txt"], new MemoryStream(first), first.Length, "text/plain");
        var oldFileId = v1.Entry.FileId!;
        Assert.True(File.Exists(Path.Combine(BlobFolder(room.RoomId, oldFileId), "1")));
        // The file API will not pull a blob from under an entry.
        var pulled = await Assert.ThrowsAsync<HttpRefusalException>(() => alice.Files.Transfer.DeleteAsync(oldFileId));
        Assert.Equal((HttpStatusCode.Conflict, RefusalCode.FileInManager), (pulled.StatusCode, pulled.Code));

        var v2 = await alice.Files.UpdateAsync(v1, new MemoryStream(second), second.Length);

        Assert.Equal((v1.Entry.EntryId, 2, (long)second.Length), (v2.Entry.EntryId, v2.Entry.Version, v2.Entry.Size));
        Assert.NotEqual(oldFileId, v2.Entry.FileId);
        Assert.False(Directory.Exists(BlobFolder(room.RoomId, oldFileId)));
        Assert.Equal(0, await fixture.CountAsync("""SELECT COUNT(*) FROM "Files" WHERE "Id" = @p0""", oldFileId));
        Assert.Equal(0, await fixture.CountAsync("""SELECT COUNT(*) FROM "FileChunks" WHERE "FileId" = @p0""", oldFileId));
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<HttpRefusalException>(() => bob.Files.Transfer.StatusAsync(oldFileId))).StatusCode);
        await Eventually.True(() => changed.Any(e => e.Version == 2), "bob heard of version 2");
        var seen = bob.Files.Open(changed.Single(e => e.Version == 2));
        Assert.Equal(second, await DownloadAsync(bob, seen));

        // A rename is new meta only: same file, same version, readable by the others.
        var renamed = await alice.Files.MoveAsync(v2, ["archive", "notes (old).txt"]);
        Assert.Equal((v2.Entry.FileId, 2), (renamed.Entry.FileId, renamed.Entry.Version));
        Assert.Equal(["archive", "notes (old).txt"], bob.Files.Open(renamed.Entry).Meta.Path);

        var count = await bob.Files.DeleteAsync([v1.Entry.EntryId, "NoSuchEntryAAAAAAAAAAA"]);

        Assert.Equal(1, count);
        Assert.False(Directory.Exists(BlobFolder(room.RoomId, v2.Entry.FileId!)));
        Assert.Equal(0, await fixture.CountRowsAsync("Files", room.RoomId));
        Assert.Equal(0, await fixture.CountRowsAsync("Entries", room.RoomId));
        Assert.Equal(0, await fixture.CountAsync("""SELECT COUNT(*) FROM "FileChunks" WHERE "FileId" = @p0""", v2.Entry.FileId!));
        Assert.Empty(await alice.Files.ListAllAsync());
        await Eventually.True(() => deleted.Contains(v1.Entry.EntryId), "alice heard of the delete");
        Assert.Equal(0, await bob.Files.DeleteAsync([v1.Entry.EntryId]));
    }

    [Fact]
    public async Task Re_sealing_the_meta_under_a_new_key_keeps_the_time_and_stays_out_of_the_log_while_a_rename_does_not()
    {
        var room = await fixture.NewRoomAsync();
        await using var alice = await FilesMember.JoinAsync(fixture, room);
        await using var bob = await FilesMember.JoinAsync(fixture, room);
        var content = Bytes(100, 3);
        var entry = await bob.Files.UploadAsync(["plan.txt"], new MemoryStream(content), content.Length, "text/plain");
        var logged = (await alice.Files.ActivityAsync()).Events.Count;

        await alice.Session.RotateAsync();
        var resealed = await alice.Files.MoveAsync(entry, ["plan.txt"]);

        Assert.Equal(alice.Session.Epoch, resealed.Entry.Meta.Epoch);
        Assert.Equal(entry.Entry.UpdatedAt, resealed.Entry.UpdatedAt);
        Assert.Equal(alice.Id, resealed.Entry.UpdatedBy);
        // Bob's grant of the new key reaches him as an event of its own, after the rotation's answer to alice.
        await Eventually.True(() => bob.Session.Keys.Has(resealed.Entry.Meta.Epoch), "bob got the new key");
        Assert.Equal(["plan.txt"], bob.Files.Open(resealed.Entry).Meta.Path);
        Assert.Equal(logged, (await alice.Files.ActivityAsync()).Events.Count);

        var renamed = await bob.Files.MoveAsync(resealed, ["plan (final).txt"]);
        var newest = (await alice.Files.ActivityAsync(0, 1)).Events.Single();
        Assert.Equal(("renamed", bob.Id, entry.Entry.EntryId), (newest.Action, newest.MemberId, newest.EntryId));
        Assert.True(renamed.Entry.UpdatedAt >= resealed.Entry.UpdatedAt);
    }

    [Fact]
    public async Task Stale_versions_and_unusable_files_or_meta_are_refused_and_change_nothing()
    {
        var room = await fixture.NewRoomAsync();
        var elsewhere = await fixture.NewRoomAsync();
        await using var alice = await FilesMember.JoinAsync(fixture, room);
        await using var bob = await FilesMember.JoinAsync(fixture, room);
        await using var stranger = await FilesMember.JoinAsync(fixture, elsewhere);
        var small = Bytes(100, 3);
        var entry = await alice.Files.UploadAsync(["a.bin"], new MemoryStream(small), small.Length);
        entry = await alice.Files.UpdateAsync(entry, new MemoryStream(small), small.Length); // version 2
        var folder = await alice.Files.CreateFolderAsync(["docs"]);
        var spare = await alice.Files.Transfer.UploadAsync(new MemoryStream(small), small.Length); // complete, in no entry
        var unfinished = await alice.Files.Transfer.CreateAsync(small.Length);
        var bobs = await bob.Files.Transfer.UploadAsync(new MemoryStream(small), small.Length);
        var foreign = await stranger.Files.Transfer.UploadAsync(new MemoryStream(small), small.Length);
        var meta = entry.Entry.Meta;
        var connection = alice.Session.Connection;
        var rows = (Files: await fixture.CountRowsAsync("Files", room.RoomId), Activity: await fixture.CountRowsAsync("Activity", room.RoomId));

        async Task<RefusalCode?> Put(EntryWrite write) =>
            (await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<Entry>(HubNames.PutEntry, room.RoomId, write))).RefusalCode();

        Assert.Equal(RefusalCode.EntryStale, await Put(new(entry.Entry.EntryId, null, meta, 1)));
        Assert.Equal(RefusalCode.EntryStale, await Put(new(entry.Entry.EntryId, spare.FileId, meta, 1)));
        Assert.Equal(RefusalCode.EntryStale, await Put(new(null, spare.FileId, meta, 3)));
        Assert.Equal(RefusalCode.EntryUnknown, await Put(new("NoSuchEntryAAAAAAAAAAA", null, meta, 1)));
        Assert.Equal(RefusalCode.FileUnusable, await Put(new(null, foreign.FileId, meta, 0)));
        Assert.Equal(RefusalCode.FileUnusable, await Put(new(entry.Entry.EntryId, bobs.FileId, meta, 2)));
        Assert.Equal(RefusalCode.FileUnusable, await Put(new(null, unfinished.FileId, meta, 0)));
        Assert.Equal(RefusalCode.FileUnusable, await Put(new(null, entry.Entry.FileId, meta, 0)));
        Assert.Equal(RefusalCode.EntryMalformed, await Put(new(folder.Entry.EntryId, spare.FileId, folder.Entry.Meta, 1)));
        Assert.Equal(RefusalCode.EnvelopeTooLarge, await Put(new(null, null, meta with { Ciphertext = new byte[4097] }, 0)));
        Assert.Equal(RefusalCode.EnvelopeMalformed, await Put(new(null, null, meta with { Iv = new byte[3] }, 0)));
        Assert.Equal(RefusalCode.PageInvalid, (await Assert.ThrowsAsync<HubException>(() => alice.Files.ListPageAsync(null, 1001))).RefusalCode());
        Assert.Equal(RefusalCode.EntryIdsInvalid, (await Assert.ThrowsAsync<HubException>(() => alice.Files.DeleteAsync([]))).RefusalCode());
        await alice.Session.RotateAsync();
        Assert.Equal(RefusalCode.EpochStale, await Put(new(entry.Entry.EntryId, null, meta, 2)));

        // Nothing changed: the same two entries, byte for byte, the same uploads and blobs, no new log lines.
        Assert.Equal([folder.Entry, entry.Entry], (await bob.Files.ListAllAsync()).Select(e => e.Entry).OrderBy(e => e.Version).ToList(),
            EntryComparer.Instance);
        Assert.Equal(rows, (await fixture.CountRowsAsync("Files", room.RoomId), await fixture.CountRowsAsync("Activity", room.RoomId)));
        Assert.True(Directory.Exists(BlobFolder(room.RoomId, spare.FileId)));
        // And the spare upload is still good for a proper new version.
        var v3 = await alice.Files.FinishUploadAsync(new PendingUpload(spare, ["a.bin"], null, entry.Entry.EntryId, 2), new MemoryStream(small));
        Assert.Equal(3, v3.Entry.Version);
    }

    /// <summary>Entries compared by value, their meta envelope's bytes included.</summary>
    sealed class EntryComparer : IEqualityComparer<Entry>
    {
        public static readonly EntryComparer Instance = new();

        public bool Equals(Entry? a, Entry? b) => a is not null && b is not null &&
            a with { Meta = null! } == b with { Meta = null! } && a.Meta.Epoch == b.Meta.Epoch &&
            a.Meta.Iv.SequenceEqual(b.Meta.Iv) && a.Meta.Ciphertext.SequenceEqual(b.Meta.Ciphertext);

        public int GetHashCode(Entry e) => e.EntryId.GetHashCode();
    }

    [Fact]
    public async Task The_activity_log_records_every_action_in_order_holds_no_names_and_only_the_creator_reads_it()
    {
        const string marker = "zebra-7f3a1c-secret-report.txt";
        var room = await fixture.NewRoomAsync();
        await using var alice = await FilesMember.JoinAsync(fixture, room);
        await using var bob = await FilesMember.JoinAsync(fixture, room);
        await using var carol = await FilesMember.JoinAsync(fixture, room);
        var content = Bytes(2 * FileLayout.ChunkBytes + 5, 7);
        var uploaded = await bob.Files.UploadAsync(["plans", marker], new MemoryStream(content), content.Length, "text/plain");
        var folder = await bob.Files.CreateFolderAsync(["marker-folder-7f3a1c"]);
        var updated = await bob.Files.UpdateAsync(uploaded, new MemoryStream(content), content.Length);
        var renamed = await bob.Files.MoveAsync(updated, [marker + ".bak"]);
        Assert.Equal(content, await DownloadAsync(carol, renamed));
        // Not downloads: a range from further in (the same download resuming), and a chat attachment (no entry).
        using (await carol.Files.Transfer.GetContentAsync(renamed.Entry.FileId!, new(FileLayout.CipherOffset(1), null))) { }
        var attachment = await carol.Files.Transfer.UploadAsync(new MemoryStream(content), content.Length);
        await carol.Files.Transfer.DownloadAsync(attachment.FileId, attachment.Key, content.Length, Stream.Null);
        await bob.Files.DeleteAsync([folder.Entry.EntryId]);
        foreach (var member in new[] { bob, carol })
            Assert.Equal(RefusalCode.NotCreator, (await Assert.ThrowsAsync<HubException>(() => member.Files.ActivityAsync())).RefusalCode());
        // With the lobby on, a newcomer is logged once the creator admits them, and only once.
        await alice.Session.SetLobbyAsync(true);
        var (erin, _) = await RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.Secret, waitForKey: false);
        await using var _e = erin;
        var beforeAdmission = (await alice.Files.ActivityAsync(0, 1)).Events.Single().Seq;
        await alice.Session.DecideJoinAsync(erin.MemberId, admit: true);
        var (erinIn, _) = await RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.Secret, erin.Credentials);
        await using var _ei = erinIn;
        await carol.Session.LeaveAsync();
        await alice.Session.KickAsync(bob.Id);

        var log = new List<ActivityEvent>();
        for (long before = 0; ;)
        {
            var page = await alice.Files.ActivityAsync(before, 4);
            log.AddRange(page.Events);
            if (!page.More) break;
            before = page.Events[^1].Seq;
        }
        log.Reverse();

        var (e1, f1, f2, e2) = (uploaded.Entry.EntryId, uploaded.Entry.FileId, updated.Entry.FileId, folder.Entry.EntryId);
        List<(string, string, string?, string?)> expected =
        [
            (alice.Id, ActivityAction.Joined, null, null), (bob.Id, ActivityAction.Joined, null, null), (carol.Id, ActivityAction.Joined, null, null),
            (bob.Id, ActivityAction.Uploaded, e1, f1), (bob.Id, ActivityAction.Folder, e2, null), (bob.Id, ActivityAction.Updated, e1, f2),
            (bob.Id, ActivityAction.Renamed, e1, f2), (carol.Id, ActivityAction.Downloaded, e1, f2), (bob.Id, ActivityAction.Deleted, e2, null),
            (erin.MemberId, ActivityAction.Joined, null, null), (carol.Id, ActivityAction.Left, null, null), (bob.Id, ActivityAction.Kicked, null, null),
        ];
        Assert.Equal(expected, log.Select(e => (e.MemberId, e.Action, e.EntryId, e.FileId)));
        Assert.Equal(Enumerable.Range(1, log.Count).Select(i => (long)i), log.Select(e => e.Seq));
        Assert.Equal(9, beforeAdmission);
        Assert.Equal(log.Select(e => e.At).Order(), log.Select(e => e.At));
        // No name in the database (or its write-ahead log) or the blob folder: only ciphertext got there.
        foreach (var file in Directory.EnumerateFiles(fixture.Server.DataDirectory, "*", SearchOption.AllDirectories))
            Assert.False(Contains(file, Encoding.UTF8.GetBytes("7f3a1c")), $"{file} holds a name");
    }

    static bool Contains(string path, byte[] needle)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(needle) >= 0;
    }
}
