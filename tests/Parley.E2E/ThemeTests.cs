using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Parley.E2E;

/// <summary>Light and dark: the system's preference by default, a remembered choice in the menu, Monaco with them, both readable.</summary>
public class ThemeTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    static Task<string?> ThemeOf(IPage page) => page.EvaluateAsync<string?>("() => document.documentElement.dataset.theme");

    static ILocator MonacoRoot(IPage page) => page.Locator(".monaco-editor").First;

    /// <summary>Serious and critical findings of axe-core on the page as it is now, one line each.</summary>
    public static async Task<string[]> SeriousAxeFindingsAsync(IPage page)
    {
        var result = await page.RunAxe();
        return result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .SelectMany(v => v.Nodes.Take(5).Select(n => $"{v.Id} ({v.Impact}) at {n.Target}: {n.Html} {string.Join(" ", n.Any.Select(c => c.Message))}"))
            .ToArray();
    }

    [Fact]
    public async Task The_room_follows_the_system_theme_and_a_choice_in_the_menu_holds_after_a_reload()
    {
        var page = await fixture.NewPersonAsync();
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        var room = await RoomPage.StartSessionAsync(page);
        Assert.Equal("light", await ThemeOf(page));
        await Assertions.Expect(MonacoRoot(page)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bvs\b"));

        var menu = await room.OpenMenuAsync();
        var theme = menu.GetByRole(AriaRole.Combobox, new() { Name = "Theme" });
        await Assertions.Expect(theme).ToHaveValueAsync("system");
        await theme.SelectOptionAsync("dark");
        Assert.Equal("dark", await ThemeOf(page));
        await Assertions.Expect(MonacoRoot(page)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bvs-dark\b"));

        await page.ReloadAsync();
        await room.WaitForEditorAsync();
        Assert.Equal("dark", await ThemeOf(page));
        await Assertions.Expect((await room.OpenMenuAsync()).GetByRole(AriaRole.Combobox, new() { Name = "Theme" })).ToHaveValueAsync("dark");
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task A_room_with_its_menu_open_has_no_serious_accessibility_findings(string scheme)
    {
        var page = await fixture.NewPersonAsync();
        await page.EmulateMediaAsync(new() { ColorScheme = scheme == "light" ? ColorScheme.Light : ColorScheme.Dark });
        var room = await RoomPage.StartSessionAsync(page);
        await room.SendMessageAsync("hello");
        await Assertions.Expect(room.Message("hello")).ToBeVisibleAsync();
        var closed = await SeriousAxeFindingsAsync(page);
        Assert.True(closed.Length == 0, string.Join("\n", closed));
        await room.OpenMenuAsync();
        var open = await SeriousAxeFindingsAsync(page);
        Assert.True(open.Length == 0, string.Join("\n", open));
    }
}
