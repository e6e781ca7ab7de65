using Microsoft.Playwright;
using Parley.Testing;

namespace Parley.E2E;

/// <summary>
/// The one <see cref="BrowserFixture"/> of every end-to-end class in it: each class starting a server,
/// Playwright's driver and Chromium of its own cost about 5 s, a minute and a half of the suite.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "One server and one Chromium";
}

/// <summary>
/// An end-to-end test class of <see cref="BrowserCollection"/>: the browser contexts a test opened
/// (its people) are closed when it ends, so that the next test's pages do not share the machine
/// with them. Every class derived from it is in the collection (xUnit reads the attribute from the base).
/// </summary>
[Collection(BrowserCollection.Name)]
public abstract class BrowserTest(BrowserFixture fixture) : IAsyncLifetime
{
    protected BrowserFixture Fixture => fixture;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.CloseEveryoneAsync();
}

/// <summary>
/// A real server and Debian's Chromium, shared by the end-to-end tests (<see cref="BrowserCollection"/>).
/// The server runs as deployed by default (the access policy, the captcha on) except that the captcha
/// is easy: each "Start a session" of a guest still solves one in the browser's worker.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    public ParleyServerProcess Server { get; private set; } = null!;
    IPlaywright playwright = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>(ExtraSettings)
        {
            ["Parley__Captcha__Enabled"] = "true",
            ["Parley__Captcha__Difficulty"] = "12",
            // Every browser of these tests is 127.0.0.1: the per-address limits have their own tests.
            ["Parley__SignIn__PerAddressPerMinute"] = "100000",
            ["Parley__SignIn__PerAccountPerMinute"] = "100000",
            ["Parley__Hub__MaxConnectionsPerAddress"] = "100000",
            ["Parley__RoomsPerMinute"] = "100000",
        });
        playwright = await Playwright.CreateAsync();
        Assertions.SetDefaultExpectTimeout(15_000);
        Browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });
    }

    /// <summary>Server settings of a fixture made for one test class.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> ExtraSettings => [];

    const string Chromium = "/usr/bin/chromium";
    static readonly string[] ChromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    int people;
    readonly List<IBrowserContext> contexts = [];

    /// <summary>
    /// A fresh browser profile (its own storage), as another person on another machine. Unless
    /// <paramref name="chooseName"/>, it is someone who chose a name in an earlier room ("Person 3"),
    /// so tests that are not about names skip that first step.
    /// </summary>
    public async Task<IPage> NewPersonAsync(Uri? server = null, string timezone = "Europe/Berlin", int width = 1280, bool chooseName = false)
    {
        var context = await Browser.NewContextAsync(new()
        {
            TimezoneId = timezone,
            AcceptDownloads = true,
            BaseURL = (server ?? Server.BaseUri).ToString(),
            Permissions = ["clipboard-read", "clipboard-write"],
            ViewportSize = new() { Width = width, Height = 800 },
        });
        await PrepareAsync(context, chooseName);
        lock (contexts) contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>Closes every browser context <see cref="NewPersonAsync"/> opened so far.</summary>
    public async Task CloseEveryoneAsync()
    {
        IBrowserContext[] open;
        lock (contexts) { open = [.. contexts]; contexts.Clear(); }
        foreach (var context in open) await context.CloseAsync();
    }

    /// <summary>
    /// A browser of its own on a profile folder, as a person's Chromium: closing the context ends
    /// that browser, and launching again on the same folder is the browser restarted (its
    /// IndexedDB and localStorage as it left them).
    /// </summary>
    public async Task<IBrowserContext> LaunchProfileAsync(string profileFolder, Uri server, string timezone = "Europe/Berlin")
    {
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profileFolder, new()
        {
            ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs,
            TimezoneId = timezone, BaseURL = server.ToString(), Permissions = ["clipboard-read", "clipboard-write"],
            ViewportSize = new() { Width = 1280, Height = 800 },
        });
        await PrepareAsync(context, chooseName: false);
        return context;
    }

    async Task PrepareAsync(IBrowserContext context, bool chooseName)
    {
        // Generous bounds: CI runs on two cores, and a bound only matters when something is wrong.
        context.SetDefaultTimeout(20_000);
        context.SetDefaultNavigationTimeout(45_000);
        if (!chooseName)
        {
            var name = $"Person {Interlocked.Increment(ref people)}";
            await context.AddInitScriptAsync(
                $"try {{ if (!localStorage.getItem('parley.name')) localStorage.setItem('parley.name', '{name}'); }} catch {{}}");
        }
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>
/// A server of its own that logs everything it can (for a test that reads its log and stops it),
/// and its own Chromium.
/// </summary>
public sealed class TalkativeBrowserFixture : BrowserFixture
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
    [
        new("Logging__LogLevel__Default", "Debug"),
        new("Logging__LogLevel__Microsoft.AspNetCore", "Debug"),
        new("Logging__LogLevel__Microsoft.EntityFrameworkCore", "Debug"),
    ];
}
