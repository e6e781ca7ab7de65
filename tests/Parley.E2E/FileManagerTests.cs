using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using Parley.Client.Accounts;
using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Protocol;

namespace Parley.E2E;

/// <summary>The room's Files page as people use it: folders in, a zip out, and the creator's log.</summary>
public class FileManagerTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task A_folder_uploads_with_its_tree_a_selection_downloads_as_one_zip_of_identical_files_with_safe_names_and_the_log_shows_it()
    {
        var page = await Fixture.NewPersonAsync();
        await RoomPage.RegisterAsync(page);
        // Headless Chromium cannot answer the native save dialog, so the zip arrives as a download.
        await page.AddInitScriptAsync("delete window.showSaveFilePicker;");
        var alice = await RoomPage.StartSessionAsync(page);
        var link = new Uri(page.Url);

        // A member whose client writes a file named "../../evil.txt" (the browser would never write that name).
        using var account = new AccountClient(Fixture.Server.BaseUri);
        await account.RegisterAsync("mallory" + Guid.NewGuid().ToString("N")[..8], RoomPage.Password);
        var roomId = link.AbsolutePath.Split('/')[^1];
        var (mallory, _) = await RoomSession.JoinAsync(Fixture.Server.BaseUri, roomId, link.Fragment.TrimStart('#'), cookies: account.Cookies);
        await using var _m = mallory;
        var evil = Encoding.UTF8.GetBytes("harmless once it lands\n");
        var upload = await mallory.Files(account.Http).UploadAsync(new MemoryStream(evil), evil.Length);
        var meta = JsonSerializer.SerializeToUtf8Bytes(new
        {
            v = 1, kind = "file", path = new[] { "../../evil.txt" }, type = "text/plain", size = evil.Length, key = Base64Url.Encode(upload.Key),
        });
        await mallory.Connection.InvokeAsync<Entry>(HubNames.PutEntry, roomId,
            new EntryWrite(null, upload.FileId, mallory.Encrypt(EnvelopeKind.FileMeta, meta), 0));

        await alice.OpenMenuAsync();
        await alice.Menu.GetByRole(AriaRole.Link, new() { Name = "Files" }).ClickAsync();
        await page.WaitForURLAsync(new Regex($"/rooms/{roomId}/files$"));

        // A folder picked from disk keeps its tree.
        var folder = Directory.CreateTempSubdirectory("parley-project-");
        var files = new Dictionary<string, byte[]>
        {
            ["README.md"] = Encoding.UTF8.GetBytes("# project\n"),
            ["src/main.c"] = Encoding.UTF8.GetBytes("int main(void) { return 0; }\n"),
            ["src/lib/util.h"] = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray(),
        };
        var root = Path.Combine(folder.FullName, "project");
        foreach (var (name, bytes) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, name))!);
            await File.WriteAllBytesAsync(Path.Combine(root, name), bytes);
        }
        await page.Locator("input[webkitdirectory]").SetInputFilesAsync(root);
        var tree = page.GetByRole(AriaRole.Table);
        await Assertions.Expect(tree.GetByRole(AriaRole.Button, new() { Name = "project", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(tree.GetByRole(AriaRole.Rowheader, new() { Name = "evil.txt", Exact = true })).ToBeVisibleAsync();
        await tree.GetByRole(AriaRole.Button, new() { Name = "project", Exact = true }).ClickAsync();
        await tree.GetByRole(AriaRole.Button, new() { Name = "src", Exact = true }).ClickAsync();
        await tree.GetByRole(AriaRole.Button, new() { Name = "lib", Exact = true }).ClickAsync();
        // Folders are listed first, then their files as each upload ends: wait for all three before zipping.
        foreach (var file in new[] { "README.md", "main.c", "util.h" })
            await Assertions.Expect(tree.GetByRole(AriaRole.Rowheader, new() { Name = file, Exact = true })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Select project/", Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Select evil.txt", Exact = true }).CheckAsync();
        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Button, new() { Name = "Download selected" }).ClickAsync());

        // Without the File System Access API the zip streams through Parley's service worker, never a Blob in memory.
        Assert.Contains("/__parley-download/", download.Url);
        using var zip = ZipFile.OpenRead(await download.PathAsync());
        var names = zip.Entries.Where(e => !e.FullName.EndsWith('/')).Select(e => e.FullName).Order().ToList();
        Assert.Equal(["evil.txt", "project/README.md", "project/src/lib/util.h", "project/src/main.c"], names);
        foreach (var (name, bytes) in files) Assert.Equal(bytes, await ReadAsync(zip.GetEntry($"project/{name}")!));
        Assert.Equal(evil, await ReadAsync(zip.GetEntry("evil.txt")!));

        // The creator's log: the uploads, then the downloads the zip made, newest first.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Activity" }).ClickAsync();
        var log = page.Locator(".activity-list li");
        await Assertions.Expect(log.First).ToContainTextAsync("downloaded");
        var lines = await log.AllInnerTextsAsync();
        int Index(string text) => lines.ToList().FindIndex(l => l.Contains(text));
        Assert.True(Index("uploaded project/src/main.c") > Index("downloaded project/src/main.c"), string.Join("\n", lines));
        Assert.True(Index("uploaded evil.txt") > Index("uploaded project/README.md"), string.Join("\n", lines));
        Assert.Contains(lines, l => l.Contains("joined the room"));
        folder.Delete(recursive: true);
    }

    [Fact]
    public async Task Files_are_renamed_updated_and_deleted_from_the_page_and_the_server_keeps_no_old_blob()
    {
        var page = await Fixture.NewPersonAsync();
        await RoomPage.RegisterAsync(page);
        await page.AddInitScriptAsync("delete window.showSaveFilePicker;");
        var alice = await RoomPage.StartSessionAsync(page);
        var roomId = new Uri(page.Url).AbsolutePath.Split('/')[^1];
        await alice.OpenMenuAsync();
        await alice.Menu.GetByRole(AriaRole.Link, new() { Name = "Files" }).ClickAsync();
        await page.Locator(".files-toolbar input[type=file][multiple]").SetInputFilesAsync(new[]
        {
            new FilePayload { Name = "draft.txt", MimeType = "text/plain", Buffer = Encoding.UTF8.GetBytes("first draft") },
            new FilePayload { Name = "data.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes("a,b\n1,2\n") },
        });
        var tree = page.GetByRole(AriaRole.Table);
        await Assertions.Expect(tree.GetByRole(AriaRole.Rowheader, new() { Name = "data.csv", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(tree.GetByRole(AriaRole.Rowheader, new() { Name = "draft.txt", Exact = true })).ToBeVisibleAsync();
        var blobs = Path.Combine(Fixture.Server.DataDirectory, "blobs", roomId);
        var before = Directory.GetDirectories(blobs).Select(Path.GetFileName).ToHashSet();

        await page.GetByRole(AriaRole.Button, new() { Name = "Rename draft.txt" }).ClickAsync();
        var rename = page.GetByRole(AriaRole.Dialog, new() { Name = "Rename draft.txt" });
        await rename.GetByLabel("New name").FillAsync("final.txt");
        await rename.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await Assertions.Expect(tree.GetByRole(AriaRole.Rowheader, new() { Name = "final.txt", Exact = true })).ToBeVisibleAsync();

        var chooser = await page.RunAndWaitForFileChooserAsync(() =>
            page.GetByRole(AriaRole.Button, new() { Name = "Update data.csv" }).ClickAsync());
        await chooser.SetFilesAsync(new FilePayload { Name = "data-v2.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes("a,b\n3,4\n5,6\n") });
        // The new version replaces the old one on the server: one blob folder gone, one new.
        bool Replaced()
        {
            var now = Directory.GetDirectories(blobs).Select(Path.GetFileName).ToHashSet();
            return now.Except(before).Count() == 1 && before.Except(now).Count() == 1;
        }
        await Expect(Replaced, "the new version's blob in place of the old one");
        // The server drops the old blob before the page hears of the new version: download once the row shows its size.
        await Assertions.Expect(tree.GetByRole(AriaRole.Row).Filter(new() { HasText = "data.csv" })).ToContainTextAsync("12 B");
        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Button, new() { Name = "Download data.csv" }).ClickAsync());
        Assert.Equal("data.csv", download.SuggestedFilename);
        Assert.Equal("a,b\n3,4\n5,6\n", await File.ReadAllTextAsync(await download.PathAsync()));

        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Select all" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete selected" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(confirm).ToContainTextAsync("final.txt");
        await Assertions.Expect(confirm).ToContainTextAsync("data.csv");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Deleted 2 items" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("No files yet")).ToBeVisibleAsync();
        await Expect(() => Directory.GetDirectories(blobs).Length == 0, "every blob of the deleted files gone");
    }

    static async Task Expect(Func<bool> condition, string what) => await Parley.Testing.Eventually.True(condition, what, 15_000);

    static async Task<byte[]> ReadAsync(ZipArchiveEntry entry)
    {
        await using var stream = entry.Open();
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
