using System.Text;
using Microsoft.Playwright;
using Parley.Testing;

namespace Parley.E2E;

/// <summary>The server only ever holds ciphertext: what people type never reaches its disk or log.</summary>
public class PlaintextTests(TalkativeBrowserFixture fixture) : IClassFixture<TalkativeBrowserFixture>
{
    [Fact]
    public async Task Code_chat_room_and_file_names_and_file_contents_never_appear_in_the_database_data_folder_or_server_log()
    {
        string Marker(string what) => $"PLAIN{what}{Guid.NewGuid().ToString("N")[..12].ToUpperInvariant()}";
        var (code, chat, fileName, fileContent, roomName) = (Marker("CODE"), Marker("CHAT"), Marker("NAME"), Marker("CONTENT"), Marker("ROOM"));
        var alicePage = await fixture.NewPersonAsync();
        await RoomPage.RegisterAsync(alicePage); // to share the file
        var alice = await RoomPage.StartSessionAsync(alicePage);
        var bob = await RoomPage.OpenAsync(await fixture.NewPersonAsync(), alice.Page.Url);
        var settings = await alice.OpenRoomSettingsAsync();
        await settings.GetByLabel("Room name").FillAsync(roomName);
        await settings.GetByRole(AriaRole.Button, new() { Name = "Save name" }).ClickAsync();
        await Assertions.Expect(bob.Page.GetByRole(AriaRole.Heading, new() { Name = roomName })).ToBeVisibleAsync();
        await alice.CloseMenuAsync();
        await alice.TypeAtEndAsync($"const secret = \"{code}\";");
        await bob.WaitForCodeAsync(c => c.Contains(code), "the code marker to reach bob through the server");
        await alice.AttachAsync(new FilePayload
        {
            Name = fileName + ".txt", MimeType = "text/plain",
            Buffer = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(fileContent + "\n", 1000))),
        });
        await alice.SendMessageAsync($"the chat says {chat}");
        var message = bob.Message(chat);
        await Assertions.Expect(message).ToContainTextAsync(fileName + ".txt");
        var download = await bob.Page.RunAndWaitForDownloadAsync(() =>
            message.GetByRole(AriaRole.Button, new() { Name = $"Download {fileName}.txt" }).ClickAsync());
        Assert.Contains(fileContent, await File.ReadAllTextAsync(await download.PathAsync()));
        var linkSecret = new Uri(alice.Page.Url).Fragment.TrimStart('#');

        // Snapshot the evidence while the server holds the room; SQLite's WAL file is part of it.
        await fixture.Server.StopAsync();
        var files = Directory.EnumerateFiles(fixture.Server.DataDirectory, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith("parley.db"));
        var stored = files.Select(f => (f, File.ReadAllBytes(f))).ToList();
        Assert.True(stored.Sum(s => s.Item2.Length) > 0);

        Assert.Contains(files, f => f.Contains("blobs"));
        foreach (var needle in new[] { code, chat, fileName, fileContent, roomName, linkSecret })
        {
            foreach (var (file, bytes) in stored)
            {
                Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(needle)), $"{needle} found in {file}");
                Assert.False(Contains(bytes, Encoding.Unicode.GetBytes(needle)), $"{needle} (UTF-16) found in {file}");
            }
            Assert.DoesNotContain(needle, fixture.Server.Log);
        }
        Assert.Contains("Now listening", fixture.Server.Log);
    }

    static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
