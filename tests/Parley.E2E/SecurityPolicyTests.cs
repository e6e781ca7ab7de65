using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Parley.E2E;

/// <summary>
/// The Content-Security-Policy is strict enough to matter only if the app itself never trips it:
/// a full session in Chromium, watched for violation events and for what the console says.
/// </summary>
public class SecurityPolicyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    /// <summary>What the browsers reported; shared by every page of the session (pages navigate, this stays).</summary>
    sealed class PolicyWatch
    {
        public ConcurrentQueue<string> Violations { get; } = new();
        public ConcurrentQueue<string> ConsoleErrors { get; } = new();

        public async Task<IPage> WatchAsync(IPage page, string who)
        {
            await page.Context.ExposeBindingAsync("parleyPolicyViolation", (BindingSource _, string report) =>
                Violations.Enqueue($"{who}: {report}"));
            // Before any of the app's own scripts, in every document the person opens.
            await page.Context.AddInitScriptAsync("""
                window.__cspViolations = [];
                document.addEventListener('securitypolicyviolation', (e) => {
                  const report = `${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber} (${e.disposition})`;
                  window.__cspViolations.push(report);
                  window.parleyPolicyViolation?.(report);
                });
                """);
            page.Console += (_, message) =>
            {
                if (message.Type == "error") ConsoleErrors.Enqueue($"{who}: {message.Text}");
            };
            page.PageError += (_, error) => ConsoleErrors.Enqueue($"{who} (uncaught): {error}");
            return page;
        }

        /// <summary>Console lines that come from a policy: CSP refusals, or a header the browser could not read.</summary>
        public IEnumerable<string> PolicyConsoleErrors => ConsoleErrors.Where(e =>
            e.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)
            || e.Contains("Refused to", StringComparison.Ordinal)
            || e.Contains("Permissions-Policy", StringComparison.OrdinalIgnoreCase)
            || e.Contains("Cross-Origin", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_whole_session_raises_no_content_security_policy_violation()
    {
        var watch = new PolicyWatch();
        var alicePage = await watch.WatchAsync(await Fixture.NewPersonAsync(), "alice");
        // Headless Chromium cannot answer a save dialog: downloads stream through the service worker.
        await alicePage.AddInitScriptAsync("delete window.showSaveFilePicker;");
        await RoomPage.RegisterAsync(alicePage);
        var alice = await RoomPage.StartSessionAsync(alicePage);
        var link = alicePage.Url;
        var bobPage = await watch.WatchAsync(await Fixture.NewPersonAsync(), "bob");
        await bobPage.AddInitScriptAsync("delete window.showSaveFilePicker;");
        var bob = await RoomPage.OpenAsync(bobPage, link);
        await alice.WaitForMembersOnlineAsync(2);

        // Code in a language with a worker of its own, chat with Markdown, typing.
        await alice.Language.SelectOptionAsync(new SelectOptionValue { Label = "TypeScript" });
        await alice.TypeAtEndAsync("const greeting: string = 'policy';\n");
        await bob.WaitForCodeAsync(c => c.Contains("greeting"), "alice's code");
        await bob.SendMessageAsync("**bold** and `code`, https://example.org");
        await Assertions.Expect(alice.Message("bold")).ToBeVisibleAsync();

        // An image that previews from a decrypted blob, and a file that downloads.
        var png = Convert.FromBase64String((await alicePage.EvaluateAsync<string>("""
            () => { const c = document.createElement('canvas'); c.width = 32; c.height = 24;
                    const g = c.getContext('2d'); g.fillStyle = '#e05a2a'; g.fillRect(0, 0, 32, 24); return c.toDataURL('image/png'); }
            """)).Split(',')[1]);
        await alice.AttachAsync(new FilePayload { Name = "dot.png", MimeType = "image/png", Buffer = png },
            new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = Encoding.UTF8.GetBytes("policy notes") });
        await alice.SendMessageAsync("attachments");
        var message = bob.Message("attachments");
        await Assertions.Expect(message.GetByRole(AriaRole.Img, new() { Name = "dot.png" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var download = await bobPage.RunAndWaitForDownloadAsync(() =>
            message.GetByRole(AriaRole.Button, new() { Name = "Download notes.txt" }).ClickAsync());
        Assert.Equal("policy notes", await File.ReadAllTextAsync(await download.PathAsync()));

        // The Files page: a folder in, a zip out through the service worker.
        await alice.OpenMenuAsync();
        await alice.Menu.GetByRole(AriaRole.Link, new() { Name = "Files" }).ClickAsync();
        await alicePage.WaitForURLAsync(new Regex("/rooms/[A-Za-z0-9_-]+/files$"));
        var folder = Path.Combine(Directory.CreateTempSubdirectory("parley-policy-").FullName, "docs");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "readme.md"), "# docs\n");
        await alicePage.Locator("input[webkitdirectory]").SetInputFilesAsync(folder);
        await alicePage.GetByRole(AriaRole.Checkbox, new() { Name = "Select docs/", Exact = true }).CheckAsync();
        var zip = await alicePage.RunAndWaitForDownloadAsync(() =>
            alicePage.GetByRole(AriaRole.Button, new() { Name = "Download selected" }).ClickAsync());
        Assert.Contains("/__parley-download/", zip.Url);
        Assert.True(new FileInfo(await zip.PathAsync()).Length > 0);

        // Back in the room, the creator removes bob and then ends the session.
        alice = await RoomPage.OpenAsync(alicePage, link);
        await alice.WaitForMembersOnlineAsync(2);
        var bobName = await bob.OwnNameAsync();
        await alice.OpenMembersAsync();
        await alicePage.GetByRole(AriaRole.Button, new() { Name = $"Kick {bobName}" }).ClickAsync();
        var confirm = alicePage.GetByRole(AriaRole.Alertdialog).Or(alicePage.GetByRole(AriaRole.Dialog));
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Kick", Exact = true }).ClickAsync();
        await Assertions.Expect(bobPage.GetByRole(AriaRole.Heading, new() { Name = "You were removed from this room" })).ToBeVisibleAsync();
        await alice.CloseMenuAsync();
        var terminate = (await alice.OpenRoomSettingsAsync()).GetByRole(AriaRole.Button, new() { Name = "Terminate session" });
        await terminate.ClickAsync();
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Terminate", Exact = true }).ClickAsync();
        await Assertions.Expect(alicePage.GetByRole(AriaRole.Heading, new() { Name = "This session has ended" })).ToBeVisibleAsync();

        // The array of the page each person is on now agrees with what the binding collected.
        foreach (var page in new[] { alicePage, bobPage })
            foreach (var report in await page.EvaluateAsync<string[]>("() => window.__cspViolations"))
                Assert.Contains(watch.Violations, v => v.EndsWith(report));
        Assert.True(watch.Violations.IsEmpty, "CSP violations:\n" + string.Join("\n", watch.Violations));
        var policyErrors = watch.PolicyConsoleErrors.ToList();
        Assert.True(policyErrors.Count == 0, "Policy errors in the console:\n" + string.Join("\n", policyErrors)
            + "\nAll console errors:\n" + string.Join("\n", watch.ConsoleErrors));
    }
}
