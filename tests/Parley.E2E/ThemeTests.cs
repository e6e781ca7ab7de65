using Microsoft.Playwright;

namespace Parley.E2E;

/// <summary>Light and dark: the system's preference by default, a remembered choice in the menu, Monaco with them, both readable.</summary>
public class ThemeTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    static Task<string?> ThemeOf(IPage page) => page.EvaluateAsync<string?>("() => document.documentElement.dataset.theme");

    static ILocator MonacoRoot(IPage page) => page.Locator(".monaco-editor").First;

    [Fact]
    public async Task The_room_follows_the_system_theme_and_a_choice_in_the_menu_holds_after_a_reload()
    {
        var page = await Fixture.NewPersonAsync();
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
}
