using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Parley.E2E;

/// <summary>
/// axe-core on every page and state a person meets, from the landing page to a terminated session, in
/// the light and the dark theme: no serious or critical finding anywhere.
/// </summary>
public class AccessibilityTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    const string RoomPassword = "a long shared secret";

    /// <summary>Serious and critical findings of axe-core on the page as it is now, one line each.</summary>
    static async Task<string[]> SeriousAxeFindingsAsync(IPage page)
    {
        // axe-core runs in the page itself. The package's default run is made for pages with frames
        // from other origins: it audits each frame apart and joins the results in a blank page of its
        // own, which took 1.7-3.4 s per audit here against 0.3-0.8 s, with the same rules passed and
        // failed (40 audits: over a minute of the suite). Parley's pages have no frame while audited
        // (a hidden one exists only during a download), which this checks, so nothing goes unaudited.
        Assert.True(page.Frames.Count == 1, $"{page.Url} has frames the audit would not reach: {string.Join(", ", page.Frames.Skip(1).Select(f => f.Url))}");
#pragma warning disable CS0618 // "Legacy Mode is being removed in the future": the package is pinned (4.14.0).
        var result = await page.Locator("html").RunAxeLegacy(new AxeRunOptions { ResultTypes = [ResultType.Violations] });
#pragma warning restore CS0618
        return result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .SelectMany(v => v.Nodes.Take(5).Select(n => $"{v.Id} ({v.Impact}) at {n.Target}: {n.Html} {string.Join(" ", n.Any.Select(c => c.Message))}"))
            .ToArray();
    }

    sealed class Audit(string scheme)
    {
        readonly List<string> findings = [];
        public readonly List<string> States = [];

        public async Task CheckAsync(IPage page, string state)
        {
            States.Add(state);
            foreach (var finding in await SeriousAxeFindingsAsync(page)) findings.Add($"[{scheme}] {state}: {finding}");
        }

        public void AssertClean() => Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    async Task<IPage> PersonAsync(ColorScheme scheme, bool chooseName = false)
    {
        var page = await Fixture.NewPersonAsync(chooseName: chooseName);
        await page.EmulateMediaAsync(new() { ColorScheme = scheme });
        return page;
    }

    static ILocator Heading(IPage page, string name) => page.GetByRole(AriaRole.Heading, new() { Name = name });

    static ILocator Dialog(IPage page) => page.GetByRole(AriaRole.Alertdialog).Or(page.GetByRole(AriaRole.Dialog));

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task Every_page_and_state_has_no_serious_accessibility_findings(string theme)
    {
        var scheme = theme == "light" ? ColorScheme.Light : ColorScheme.Dark;
        var audit = new Audit(theme);

        // A newcomer's pages.
        var visitor = await PersonAsync(scheme);
        await visitor.GotoAsync("/", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Assertions.Expect(visitor.GetByRole(AriaRole.Button, new() { Name = "Start a session" })).ToBeVisibleAsync();
        await audit.CheckAsync(visitor, "landing");
        foreach (var (path, button) in new[] { ("/register", "Register"), ("/signin", "Sign in") })
        {
            await visitor.GotoAsync(path, new() { WaitUntil = WaitUntilState.DOMContentLoaded });
            await Assertions.Expect(visitor.GetByRole(AriaRole.Button, new() { Name = button })).ToBeVisibleAsync();
            await audit.CheckAsync(visitor, path);
        }

        // The creator: signed in, a named room with a password, the menu and its dialogs.
        var alicePage = await PersonAsync(scheme);
        await RoomPage.RegisterAsync(alicePage);
        await audit.CheckAsync(alicePage, "landing, signed in");
        var alice = await RoomPage.StartSessionAsync(alicePage, "Accessibility review", RoomPassword);
        await alice.SendMessageAsync("Hello **everyone**, here is `code`");
        await audit.CheckAsync(alicePage, "room as creator");
        var settings = await alice.OpenRoomSettingsAsync();
        await audit.CheckAsync(alicePage, "menu open, creator");
        await settings.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(Dialog(alicePage)).ToBeVisibleAsync();
        await audit.CheckAsync(alicePage, "password dialog");
        await alicePage.Keyboard.PressAsync("Escape");
        await settings.GetByRole(AriaRole.Button, new() { Name = "Terminate session" }).ClickAsync();
        await Assertions.Expect(Dialog(alicePage)).ToBeVisibleAsync();
        await audit.CheckAsync(alicePage, "terminate confirmation");
        await Dialog(alicePage).GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        var lobby = settings.GetByRole(AriaRole.Switch, new() { Name = "Lobby" });
        await lobby.ClickAsync();
        await Assertions.Expect(lobby).ToBeCheckedAsync();
        await alice.CloseMenuAsync();

        // A guest who chooses a name, gives the password and waits in the lobby.
        var bobPage = await PersonAsync(scheme, chooseName: true);
        await bobPage.GotoAsync(alicePage.Url, new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        var namePage = Heading(bobPage, "What should people call you?");
        var passwordPage = Heading(bobPage, "This room is protected");
        // The name is asked before or after the password: audited wherever it comes.
        async Task ChooseNameIfAskedAsync()
        {
            if (!await namePage.IsVisibleAsync()) return;
            await audit.CheckAsync(bobPage, "choose a name");
            await bobPage.GetByRole(AriaRole.Textbox, new() { Name = "Your name" }).FillAsync("Bob");
            await bobPage.GetByRole(AriaRole.Button, new() { Name = "Enter the room" }).ClickAsync();
        }
        await Assertions.Expect(namePage.Or(passwordPage)).ToBeVisibleAsync();
        await ChooseNameIfAskedAsync();
        await Assertions.Expect(passwordPage).ToBeVisibleAsync();
        await audit.CheckAsync(bobPage, "password prompt");
        await bobPage.GetByLabel("Room password").FillAsync(RoomPassword);
        await bobPage.GetByRole(AriaRole.Button, new() { Name = "Enter room" }).ClickAsync();
        await ChooseNameIfAskedAsync();
        await Assertions.Expect(Heading(bobPage, "Waiting for the host to let you in")).ToBeVisibleAsync();
        await audit.CheckAsync(bobPage, "lobby, waiting");
        var admit = alicePage.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Admit ") });
        await Assertions.Expect(admit).ToHaveCountAsync(1);
        await audit.CheckAsync(alicePage, "lobby, a join request");
        await admit.ClickAsync();
        var bob = new RoomPage(bobPage);
        await bob.WaitForEditorAsync();
        await Assertions.Expect(bob.Message("Hello everyone, here is code")).ToBeVisibleAsync();
        await audit.CheckAsync(bobPage, "room as guest");
        await bob.OpenMenuAsync();
        // Every member sees when the room's key last changed, in local time ("Key changed 14:02").
        await Assertions.Expect(bobPage.GetByText(new Regex(@"^Key changed \d{1,2}[:.]\d{2}"))).ToBeVisibleAsync();
        await audit.CheckAsync(bobPage, "menu open, guest");
        await bob.CloseMenuAsync();

        // The Files page and its activity log.
        await (await alice.OpenMenuAsync()).GetByRole(AriaRole.Link, new() { Name = "Files" }).ClickAsync();
        await Assertions.Expect(alicePage.GetByRole(AriaRole.Tab, new() { Name = "Activity" })).ToBeVisibleAsync();
        await audit.CheckAsync(alicePage, "Files");
        await alicePage.GetByRole(AriaRole.Tab, new() { Name = "Activity" }).ClickAsync();
        await audit.CheckAsync(alicePage, "Files, activity");
        await alicePage.GoBackAsync();
        await alice.WaitForEditorAsync();

        // Kicked, an old link, and the end.
        var link = alicePage.Url;
        await alice.OpenMembersAsync();
        await alicePage.GetByRole(AriaRole.Button, new() { Name = "Kick Bob" }).ClickAsync();
        await audit.CheckAsync(alicePage, "kick confirmation");
        await Dialog(alicePage).GetByRole(AriaRole.Button, new() { Name = "Kick", Exact = true }).ClickAsync();
        await Assertions.Expect(Heading(bobPage, "You were removed from this room")).ToBeVisibleAsync();
        await audit.CheckAsync(bobPage, "kicked");
        await alicePage.WaitForFunctionAsync("old => location.hash !== old", new Uri(link).Fragment);
        await visitor.GotoAsync(link, new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Assertions.Expect(visitor.GetByText("This link does not open this room")).ToBeVisibleAsync();
        await audit.CheckAsync(visitor, "an old link");
        await alice.CloseMenuAsync();
        await (await alice.OpenRoomSettingsAsync()).GetByRole(AriaRole.Button, new() { Name = "Terminate session" }).ClickAsync();
        await Dialog(alicePage).GetByRole(AriaRole.Button, new() { Name = "Terminate", Exact = true }).ClickAsync();
        await Assertions.Expect(Heading(alicePage, "This session has ended")).ToBeVisibleAsync();
        await audit.CheckAsync(alicePage, "ended");

        Assert.Contains("choose a name", audit.States);
        Assert.Equal(20, audit.States.Distinct().Count());
        audit.AssertClean();
    }
}
