using Microsoft.Playwright;

namespace Parley.E2E;

/// <summary>Everything by keyboard: into the editor and out again, the chat, the divider, and dialogs that give the focus back.</summary>
public class KeyboardTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    static Task<bool> IsFocusedAsync(ILocator target) => target.EvaluateAsync<bool>("e => e === document.activeElement");

    /// <summary>Presses <paramref name="key"/> until <paramref name="target"/> has the focus, at most <paramref name="most"/> times.</summary>
    static async Task PressUntilFocusedAsync(IPage page, ILocator target, string what, string key = "Tab", int most = 40)
    {
        for (var i = 0; i < most; i++)
        {
            await page.Keyboard.PressAsync(key);
            if (await IsFocusedAsync(target)) return;
        }
        var focused = await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 200) ?? 'nothing'");
        Assert.Fail($"{key} never reached {what} in {most} presses; the focus is on {focused}");
    }

    [Fact]
    public async Task A_keyboard_alone_starts_a_session_edits_leaves_the_editor_chats_and_comes_back()
    {
        var page = await Fixture.NewPersonAsync();
        await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await PressUntilFocusedAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Start a session" }), "Start a session");
        var room = await RoomPage.StartedAsync(page, () => page.Keyboard.PressAsync("Enter"));
        Assert.Equal(1, await page.GetByRole(AriaRole.Main).CountAsync());

        await PressUntilFocusedAsync(page, room.Editor, "the editor", most: 60);
        await page.Keyboard.TypeAsync("let answer = 42;", new() { Delay = 5 });
        await page.Keyboard.PressAsync("Tab"); // in the editor Tab is indentation, not a way out
        Assert.True(await IsFocusedAsync(room.Editor), "Tab stays in the editor until its tab mode is switched");

        // The way out is written under the editor, with the key for this platform (Linux here).
        var hint = page.GetByText("Leave the editor:");
        await Assertions.Expect(hint).ToBeVisibleAsync();
        await Assertions.Expect(hint).ToContainTextAsync("Ctrl+M, then Tab");
        await page.Keyboard.PressAsync("Control+M");
        await page.Keyboard.PressAsync("Tab");
        Assert.False(await IsFocusedAsync(room.Editor), "after Ctrl+M, Tab leaves the editor");
        if (!await IsFocusedAsync(room.Divider)) await PressUntilFocusedAsync(page, room.Divider, "the divider", most: 5);

        // The divider can be seen and grabbed, and shows where the focus is.
        var box = await room.Divider.BoundingBoxAsync();
        Assert.True(box is { Width: >= 6 }, $"the divider is {box?.Width} px wide");
        var outline = await room.Divider.EvaluateAsync<string[]>(
            "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth]; }");
        Assert.NotEqual("none", outline[0]);
        Assert.True(double.Parse(outline[1].Replace("px", ""), System.Globalization.CultureInfo.InvariantCulture) >= 2, $"outline {outline[1]}");

        await PressUntilFocusedAsync(page, room.Composer, "the composer");
        await page.Keyboard.TypeAsync("typed by keyboard");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(room.Message("typed by keyboard")).ToBeVisibleAsync();

        // Straight back to the editor with the shortcut the hint names, and to the chat again.
        await page.Keyboard.PressAsync("Alt+Shift+E");
        Assert.True(await IsFocusedAsync(room.Editor), "Alt+Shift+E goes to the editor");
        await page.Keyboard.PressAsync("Alt+Shift+C");
        Assert.True(await IsFocusedAsync(room.Composer), "Alt+Shift+C goes to the chat");

        // And from the top of the page, through the skip links, out of sight until they have the focus.
        var skipToEditor = page.GetByRole(AriaRole.Button, new() { Name = "Skip to editor" });
        await PressUntilFocusedAsync(page, skipToEditor, "Skip to editor", "Shift+Tab", 60);
        await Assertions.Expect(skipToEditor).ToBeInViewportAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.True(await IsFocusedAsync(room.Editor), "Skip to editor puts the focus in the editor");
        await page.Keyboard.PressAsync("Control+End");
        await page.Keyboard.TypeAsync(" // more", new() { Delay = 5 });
        await room.WaitForCodeAsync(code => code.Contains("let answer = 42;") && code.Contains(" // more"), "the typed code");

        var skipToChat = page.GetByRole(AriaRole.Button, new() { Name = "Skip to chat" });
        await Assertions.Expect(skipToChat).Not.ToBeInViewportAsync();
        await room.Editor.FocusAsync();
        await PressUntilFocusedAsync(page, skipToChat, "Skip to chat", "Shift+Tab", 60);
        await Assertions.Expect(skipToChat).ToBeInViewportAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.True(await IsFocusedAsync(room.Composer), "Skip to chat puts the focus in the composer");
    }

    [Fact]
    public async Task A_dialog_opened_from_the_menu_by_keyboard_gives_the_focus_back_to_its_button()
    {
        var page = await Fixture.NewPersonAsync();
        var room = await RoomPage.StartSessionAsync(page);
        await room.MenuButton.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(room.Menu).ToBeVisibleAsync();

        var terminate = room.Menu.GetByRole(AriaRole.Button, new() { Name = "Terminate session" });
        await PressUntilFocusedAsync(page, terminate, "Terminate session");
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Terminate this session?" });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeFocusedAsync();

        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        await Assertions.Expect(terminate).ToBeFocusedAsync();

        // A second Escape closes the menu, and the focus is back on its button.
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(room.Menu).ToBeHiddenAsync();
        await Assertions.Expect(room.MenuButton).ToBeFocusedAsync();
    }
}
