using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Parley.E2E;

public class ChatTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    /// <param name="aliceSignsUp">Sharing files takes an account under the default policy.</param>
    async Task<(RoomPage Alice, RoomPage Bob)> TwoPeopleAsync(string aliceZone = "Europe/Berlin", string bobZone = "Europe/Berlin",
        bool aliceSignsUp = false)
    {
        var alicePage = await Fixture.NewPersonAsync(timezone: aliceZone);
        if (aliceSignsUp) await RoomPage.RegisterAsync(alicePage);
        var alice = await RoomPage.StartSessionAsync(alicePage);
        var bob = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(timezone: bobZone), alice.Page.Url);
        await alice.WaitForMembersOnlineAsync(2);
        return (alice, bob);
    }

    [Fact]
    public async Task Two_people_chat_both_ways_with_names_local_times_and_safe_markdown()
    {
        var (alice, bob) = await TwoPeopleAsync("America/New_York", "Asia/Tokyo");

        await alice.SendMessageAsync("Hello Bob, have a look at `parse()`");
        var mine = alice.Message("Hello Bob");
        await Assertions.Expect(mine).ToContainTextAsync("sent");
        var theirs = bob.Message("Hello Bob");
        await Assertions.Expect(theirs.Locator("code")).ToHaveTextAsync("parse()");

        // Same author, same instant, each shown in the viewer's own time zone (13 or 14 hours apart).
        var aliceLabel = await mine.GetAttributeAsync("aria-label");
        var bobLabel = await theirs.GetAttributeAsync("aria-label");
        var author = aliceLabel![..aliceLabel!.LastIndexOf(',')];
        Assert.StartsWith(author + ",", bobLabel!);
        Assert.NotEqual(aliceLabel, bobLabel);

        await bob.Composer.FillAsync("```\nlet answer = 42\n```\n[click me](javascript:alert(1)) or https://example.org/docs");
        await bob.Composer.PressAsync("Enter");
        var reply = alice.Message("let answer = 42");
        await Assertions.Expect(reply.Locator("pre code")).ToContainTextAsync("let answer = 42");
        await Assertions.Expect(reply.GetByRole(AriaRole.Link, new() { Name = "https://example.org/docs" }))
            .ToHaveAttributeAsync("href", "https://example.org/docs");
        Assert.Equal(0, await reply.Locator("a[href^='javascript']").CountAsync());
        Assert.Equal(0, await reply.Locator("script").CountAsync());
        await Assertions.Expect(reply).ToContainTextAsync("click me");
    }

    [Fact]
    public async Task The_typing_indicator_appears_while_someone_types_and_clears_when_they_send()
    {
        var (alice, bob) = await TwoPeopleAsync();
        var aliceName = await alice.OwnNameAsync();

        await alice.Composer.PressSequentiallyAsync("thinking out loud");
        var indicator = bob.Page.GetByText($"{aliceName} is typing…");
        await Assertions.Expect(indicator).ToBeVisibleAsync();

        await alice.Composer.PressAsync("Enter");
        await Assertions.Expect(bob.Message("thinking out loud")).ToBeVisibleAsync();
        await Assertions.Expect(indicator).ToBeHiddenAsync(new() { Timeout = 8_000 });
    }

    [Fact]
    public async Task An_image_previews_for_the_other_person_and_a_file_downloads_byte_identical()
    {
        var (alice, bob) = await TwoPeopleAsync(aliceSignsUp: true);
        var png = Convert.FromBase64String((await alice.Page.EvaluateAsync<string>("""
            () => { const c = document.createElement('canvas'); c.width = 64; c.height = 48;
                    const g = c.getContext('2d'); g.fillStyle = '#e05a2a'; g.fillRect(0, 0, 64, 48);
                    g.fillStyle = '#2a7ae0'; g.fillRect(16, 12, 32, 24); return c.toDataURL('image/png'); }
            """)).Split(',')[1]);
        var data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 4321);

        await alice.AttachAsync(new FilePayload { Name = "sunset.png", MimeType = "image/png", Buffer = png },
            new FilePayload { Name = "data.bin", MimeType = "application/octet-stream", Buffer = data });
        await alice.SendMessageAsync("two files for you");

        var message = bob.Message("two files for you");
        var image = message.GetByRole(AriaRole.Img, new() { Name = "sunset.png" });
        await Assertions.Expect(image).ToBeVisibleAsync(new() { Timeout = 30_000 });
        // The thumbnail gives the picture its size before the full image has loaded: wait for the image itself.
        await Assertions.Expect(image).ToHaveJSPropertyAsync("naturalWidth", 64);
        await Assertions.Expect(image).ToHaveJSPropertyAsync("naturalHeight", 48);

        // Clicked, it opens full size; Escape closes it and the focus is back on the picture.
        var opener = message.GetByRole(AriaRole.Button, new() { Name = "Open sunset.png full size" });
        await opener.ClickAsync();
        var viewer = bob.Page.GetByRole(AriaRole.Dialog, new() { Name = "sunset.png" });
        await Assertions.Expect(viewer.GetByRole(AriaRole.Img, new() { Name = "sunset.png" })).ToBeVisibleAsync();
        await bob.Page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(viewer).ToHaveCountAsync(0);
        await Assertions.Expect(opener).ToBeFocusedAsync();

        var download = await bob.Page.RunAndWaitForDownloadAsync(() =>
            message.GetByRole(AriaRole.Button, new() { Name = "Download data.bin" }).ClickAsync());
        Assert.Equal("data.bin", download.SuggestedFilename);
        var saved = await download.PathAsync();
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(await File.ReadAllBytesAsync(saved)));
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_with_a_clear_message_before_any_upload()
    {
        var (alice, _) = await TwoPeopleAsync(aliceSignsUp: true);
        // Playwright hands a file to the page without reading it, so a sparse 101 MiB file costs nothing.
        var path = Path.Combine(Path.GetTempPath(), $"huge-{Guid.NewGuid():N}.iso");
        await using (var huge = File.Create(path)) huge.SetLength(101L * 1024 * 1024);
        try
        {
            await alice.Page.Locator("#chat-file-input").SetInputFilesAsync(path);
            var alert = alice.Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "the limit is" });
            await Assertions.Expect(alert).ToHaveTextAsync($"{Path.GetFileName(path)} is 101 MB; the limit is 100 MB.");
            await Assertions.Expect(alice.Page.GetByRole(AriaRole.List, new() { Name = "Attachments to send" })).ToHaveCountAsync(0);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task The_divider_resizes_by_keyboard_and_mouse_and_the_width_is_remembered()
    {
        var (alice, _) = await TwoPeopleAsync();
        var start = double.Parse((await alice.Divider.GetAttributeAsync("aria-valuenow"))!);

        await alice.Divider.FocusAsync();
        await alice.Page.Keyboard.PressAsync("ArrowLeft");
        await alice.Page.Keyboard.PressAsync("ArrowLeft");
        var byKeys = double.Parse((await alice.Divider.GetAttributeAsync("aria-valuenow"))!);
        Assert.True(byKeys < start - 5, $"arrow keys moved it from {start} to {byKeys}");

        var box = (await alice.Divider.BoundingBoxAsync())!;
        await alice.Page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await alice.Page.Mouse.DownAsync();
        await alice.Page.Mouse.MoveAsync(box.X + box.Width / 2 + 250, box.Y + box.Height / 2, new() { Steps = 10 });
        await alice.Page.Mouse.UpAsync();
        var byMouse = double.Parse((await alice.Divider.GetAttributeAsync("aria-valuenow"))!);
        Assert.True(byMouse > byKeys + 10, $"dragging moved it from {byKeys} to {byMouse}");

        await alice.Page.ReloadAsync();
        await alice.WaitForEditorAsync();
        var afterReload = double.Parse((await alice.Divider.GetAttributeAsync("aria-valuenow"))!);
        Assert.InRange(afterReload, byMouse - 1, byMouse + 1);
    }

    [Fact]
    public async Task A_narrow_screen_shows_code_and_chat_as_tabs()
    {
        var alice = await RoomPage.StartSessionAsync(await Fixture.NewPersonAsync());
        var phone = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(width: 420), alice.Page.Url);

        var chatTab = phone.Page.GetByRole(AriaRole.Tab, new() { Name = "Chat" });
        await Assertions.Expect(phone.Page.GetByRole(AriaRole.Tab, new() { Name = "Code" })).ToBeVisibleAsync();
        await Assertions.Expect(phone.Divider).ToHaveCountAsync(0);
        // What the chat held when the phone's history loaded is not news; wait for that load (its tab is hidden).
        await Assertions.Expect(phone.Page.GetByText("Loading messages…")).ToHaveCountAsync(0);
        await alice.SendMessageAsync("ping from the desktop");
        await Assertions.Expect(chatTab).ToContainTextAsync("1 new");

        await chatTab.ClickAsync();
        await Assertions.Expect(phone.Message("ping from the desktop")).ToBeVisibleAsync();
        await Assertions.Expect(phone.Composer).ToBeVisibleAsync();

        // The room menu works here too; Escape closes it and gives the focus back to its button.
        await phone.OpenMembersAsync();
        await Assertions.Expect(phone.MemberList.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);
        await phone.Page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(phone.Menu).ToBeHiddenAsync();
        await Assertions.Expect(phone.MenuButton).ToBeFocusedAsync();
    }

    [Fact]
    public async Task A_code_block_is_highlighted_and_goes_into_the_editor_and_a_hidden_tab_counts_new_messages_in_its_title()
    {
        var (alice, bob) = await TwoPeopleAsync(aliceSignsUp: false);
        await bob.Composer.FillAsync("try this:\n```js\nconst answer = 42;\n```");
        await bob.Composer.PressAsync("Enter");
        var message = alice.Message("try this:");
        // Monaco's colorizer has run: the block holds its token spans.
        await Assertions.Expect(message.Locator("pre.monaco-colorized span[class^='mtk']").First).ToBeVisibleAsync();
        await message.GetByRole(AriaRole.Button, new() { Name = "Insert into editor" }).ClickAsync();
        await alice.WaitForCodeAsync(c => c.Contains("const answer = 42;"), "the block in alice's editor");
        await bob.WaitForCodeAsync(c => c.Contains("const answer = 42;"), "and in bob's, as an ordinary edit");

        // Alice's tab goes to the background; two messages from Bob show in its title.
        const string setHidden = "h => { Object.defineProperty(document, 'hidden', { configurable: true, get: () => h }); document.dispatchEvent(new Event('visibilitychange')); }";
        await alice.Page.EvaluateAsync(setHidden, true);
        var plainTitle = await alice.Page.TitleAsync();
        await bob.SendMessageAsync("one");
        await bob.SendMessageAsync("two");
        await Assertions.Expect(alice.Page).ToHaveTitleAsync("(2) " + plainTitle);
        await alice.Page.EvaluateAsync(setHidden, false);
        await Assertions.Expect(alice.Page).ToHaveTitleAsync(plainTitle);
    }
}
