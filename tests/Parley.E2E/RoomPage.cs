using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.Testing;

namespace Parley.E2E;

/// <summary>What a person does in a room, through the names a screen reader would announce.</summary>
public sealed class RoomPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Editor => Page.GetByRole(AriaRole.Textbox, new() { Name = "Code editor" });
    public ILocator MembersOnline => Page.GetByLabel("Members online");
    public ILocator Language => Page.GetByRole(AriaRole.Combobox, new() { Name = "Language" });

    public ILocator Composer => Page.GetByRole(AriaRole.Textbox, new() { Name = "Message" });
    public ILocator Messages => Page.GetByRole(AriaRole.Log, new() { Name = "Messages" });
    public ILocator Message(string text) => Messages.GetByRole(AriaRole.Article).Filter(new() { HasText = text });
    public ILocator Divider => Page.GetByRole(AriaRole.Separator, new() { Name = "Resize editor and chat" });

    /// <summary>Types a message and presses Enter, as a person would.</summary>
    public async Task SendMessageAsync(string text)
    {
        await Composer.FillAsync(text);
        await Composer.PressAsync("Enter");
    }

    public async Task AttachAsync(params FilePayload[] files) =>
        await Page.Locator("#chat-file-input").SetInputFilesAsync(files);

    /// <summary>The top bar's ☰ button, for everyone: members, files, and the creator's settings or "Leave room".</summary>
    public ILocator MenuButton => Page.GetByRole(AriaRole.Button, new() { Name = "Room menu" });
    public ILocator Menu => Page.GetByRole(AriaRole.Group, new() { Name = "Room menu" });
    public ILocator MemberList => Page.GetByRole(AriaRole.List, new() { Name = "Members" });
    public ILocator MemberItem(string name) => MemberList.GetByRole(AriaRole.Listitem).Filter(new() { HasText = name });

    public async Task<ILocator> OpenMenuAsync()
    {
        if (await MenuButton.GetAttributeAsync("aria-expanded") != "true") await MenuButton.ClickAsync();
        await Assertions.Expect(Menu).ToBeVisibleAsync();
        return Menu;
    }

    /// <summary>Closes the menu, which otherwise covers what lies under the top bar's right end.</summary>
    public async Task CloseMenuAsync()
    {
        if (await MenuButton.GetAttributeAsync("aria-expanded") == "true") await MenuButton.ClickAsync();
        await Assertions.Expect(Menu).ToBeHiddenAsync();
    }

    /// <summary>Opens the menu at the creator's "Room settings" (name, password, lobby, history, link, terminate).</summary>
    public async Task<ILocator> OpenRoomSettingsAsync()
    {
        var settings = (await OpenMenuAsync()).GetByRole(AriaRole.Group, new() { Name = "Room settings" });
        await Assertions.Expect(settings).ToBeVisibleAsync();
        return settings;
    }

    public async Task OpenMembersAsync()
    {
        await OpenMenuAsync();
        await Assertions.Expect(MemberList).ToBeVisibleAsync();
    }

    /// <summary>This person's display name, as the member list shows it.</summary>
    public async Task<string> OwnNameAsync()
    {
        await OpenMembersAsync();
        var text = await MemberList.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "(you)" }).InnerTextAsync();
        await CloseMenuAsync();
        return text[..text.IndexOf("(you)", StringComparison.Ordinal)].Trim();
    }

    public const string Password = "correct horse battery staple";

    /// <summary>Registers a new account through the Register page (which signs in); returns its user name.</summary>
    public static async Task<string> RegisterAsync(IPage page)
    {
        var userName = "user" + Guid.NewGuid().ToString("N")[..10];
        await page.GotoAsync("/register", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Assertions.Expect(page.GetByText($"Signed in as {userName}")).ToBeVisibleAsync();
        return userName;
    }

    /// <summary>Opens a password-protected room's link and gives its password.</summary>
    public static async Task<RoomPage> EnterWithPasswordAsync(IPage page, string url, string password)
    {
        await page.GotoAsync(url, new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This room is protected" })).ToBeVisibleAsync();
        await page.GetByLabel("Room password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Enter room" }).ClickAsync();
        var room = new RoomPage(page);
        await room.WaitForEditorAsync();
        return room;
    }

    /// <summary>Starts a session from the landing page; a signed-in person may name and protect it there.</summary>
    public static async Task<RoomPage> StartSessionAsync(IPage page, string? roomName = null, string? password = null)
    {
        await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        if (roomName is not null) await page.GetByLabel("Room name").FillAsync(roomName);
        if (password is not null) await page.GetByLabel("Room password").FillAsync(password);
        return await StartedAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Start a session" }).ClickAsync());
    }

    static readonly Regex RoomLink = new(@"/r/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$");

    /// <summary>
    /// Does what starts a session (a click, Enter), waits for the new room's link in the address bar
    /// (the app moves there without loading a page), then for the room. When the link does not come,
    /// the failure says what the page showed and what the server answered to the page's API calls,
    /// rather than only that time ran out.
    /// </summary>
    public static async Task<RoomPage> StartedAsync(IPage page, Func<Task> start)
    {
        var answers = new List<string>();
        void Record(object? _, IResponse response)
        {
            if (response.Url.Contains("/api/", StringComparison.Ordinal))
                lock (answers) answers.Add($"{response.Request.Method} {new Uri(response.Url).AbsolutePath} → {response.Status}");
        }
        void RecordFailure(object? _, IRequest request)
        {
            lock (answers) answers.Add($"{request.Method} {new Uri(request.Url).AbsolutePath} failed: {request.Failure}");
        }
        page.Response += Record;
        page.RequestFailed += RecordFailure;
        try
        {
            await start();
            var inRoom = page.WaitForURLAsync(RoomLink, new() { WaitUntil = WaitUntilState.Commit, Timeout = 45_000 });
            // Only the landing page's alert refuses a start. Monaco's screen-reader alerts flash as the room's
            // editor loads, so the address, not the first alert seen, says whether the room opened.
            var alerts = page.Locator("[role=alert]:not(.monaco-alert)");
            var refused = alerts.WaitForAsync(new() { Timeout = 45_000 });
            await Task.WhenAny(inRoom, refused);
            if (inRoom.IsCompletedSuccessfully || RoomLink.IsMatch(page.Url))
            {
                var room = new RoomPage(page);
                await room.WaitForEditorAsync();
                return room;
            }
            string said;
            lock (answers) said = answers.Count == 0 ? "no API call answered" : string.Join("; ", answers);
            var shown = await alerts.AllInnerTextsAsync();
            throw new InvalidOperationException(
                $"Start a session did not open a room: the page is at {page.Url}, shows [{string.Join(" | ", shown)}]; {said}.");
        }
        finally
        {
            page.Response -= Record;
            page.RequestFailed -= RecordFailure;
        }
    }

    public static async Task<RoomPage> OpenAsync(IPage page, string link)
    {
        await page.GotoAsync(link, new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        var room = new RoomPage(page);
        await room.WaitForEditorAsync();
        return room;
    }

    /// <summary>
    /// A first visit loads Monaco, makes the device's RSA and ECDSA keys and waits for a member's
    /// key grant; on CI's two cores with three browsers at once that once took over 20 s, so the
    /// bound is wider here (it only matters when something is wrong).
    /// </summary>
    public async Task WaitForEditorAsync()
    {
        var generous = new LocatorWaitForOptions { Timeout = 45_000 };
        await Editor.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 45_000 });
        await Page.GetByRole(AriaRole.Status).GetByText("Connected").WaitForAsync(generous);
    }

    /// <summary>Types at the end of the document, key by key, as a person would.</summary>
    public async Task TypeAtEndAsync(string text)
    {
        await Editor.FocusAsync();
        await Page.Keyboard.PressAsync("Control+End");
        await Page.Keyboard.TypeAsync(text, new() { Delay = 5 });
    }

    /// <summary>Reads the document the way a user takes it away: through "Copy all code".</summary>
    public async Task<string> CopyAllCodeAsync()
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "Copy all code" }).ClickAsync();
        return await Page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
    }

    public async Task WaitForCodeAsync(Func<string, bool> condition, string what, int timeoutMs = 15_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        string code;
        while (!condition(code = await CopyAllCodeAsync()))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}; the code was:\n{code}");
            await Task.Delay(100);
        }
    }

    public Task WaitForMembersOnlineAsync(int count) =>
        Assertions.Expect(MembersOnline).ToContainTextAsync(new Regex($@"\b{count} online"));
}
