using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.Testing;

namespace Parley.E2E;

/// <summary>
/// Edits and messages a tab could not deliver outlive the tab: kept in the browser profile's
/// IndexedDB, encrypted, each tab's apart, and delivered exactly once when the room is opened there again.
/// </summary>
public class KeptWorkTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    /// <summary>One record of the `parley-unsent` database: its raw bytes as stored, and what it holds once opened with the profile's key.</summary>
    sealed record KeptRecord(string Name, string Raw, string Plain);

    // Reads the records as any script of the page could: the key is usable here, never readable.
    const string ReadKept = $$"""
        async () => {
          {{BrowserStorage.OpenExisting}}
          const db = await openExisting('parley-unsent');
          if (!db) return '[]';
          const get = (store, read) => new Promise((resolve, reject) => {
            const request = read(db.transaction(store).objectStore(store));
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
          });
          const key = await get('key', (s) => s.get('self'));
          const out = [];
          for (const name of await get('records', (s) => s.getAllKeys())) {
            const record = await get('records', (s) => s.get(name));
            const raw = [record.iv, record.ciphertext].map((b) => String.fromCharCode(...b)).join('');
            const additionalData = new TextEncoder().encode('parley-unsent|' + name);
            const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: record.iv, additionalData }, key, record.ciphertext);
            out.push({ name, raw, plain: String.fromCharCode(...new Uint8Array(plain)) });
          }
          db.close();
          return JSON.stringify(out);
        }
        """;

    static async Task<List<KeptRecord>> KeptAsync(IPage page) =>
        JsonSerializer.Deserialize<List<KeptRecord>>(await page.EvaluateAsync<string>(ReadKept), JsonSerializerOptions.Web)!;

    /// <summary>
    /// Whether the marker's characters appear in order, at most a few bytes apart: a Yjs update
    /// holds typed text one keystroke per item, so the marker is spread over it, never in one run.
    /// </summary>
    static bool ContainsSpread(string bytes, string marker) =>
        Regex.IsMatch(bytes, string.Join(@"[\s\S]{0,40}", marker.Select(c => Regex.Escape(c.ToString()))), RegexOptions.NonBacktracking);

    static int Occurrences(string text, string marker) => text.Split(marker).Length - 1;

    [Fact]
    public async Task Code_and_chat_from_two_tabs_closed_while_the_server_was_down_arrive_once_when_the_browser_opens_the_room_again()
    {
        string Marker(string what) => $"KEPT{what}{Guid.NewGuid().ToString("N")[..12].ToUpperInvariant()}";
        var (code, chat, otherTabsChat) = (Marker("CODE"), Marker("CHAT"), Marker("TABTWO"));
        var data = Directory.CreateTempSubdirectory("parley-kept-").FullName;
        var profile = Directory.CreateTempSubdirectory("parley-kept-profile-").FullName;
        var server = await ParleyServerProcess.StartAsync(data);
        var port = server.BaseUri.Port;
        // Alice's own Chromium on a profile folder: it is closed and started again below.
        var aliceBrowser = await Fixture.LaunchProfileAsync(profile, server.BaseUri);
        try
        {
            var alice = await RoomPage.StartSessionAsync(aliceBrowser.Pages.FirstOrDefault() ?? await aliceBrowser.NewPageAsync());
            var link = alice.Page.Url;
            var bob = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(server.BaseUri), link);
            // A second tab of the room in the same browser: each tab keeps its own unsent work.
            var aliceTwo = await RoomPage.OpenAsync(await aliceBrowser.NewPageAsync(), link);
            await alice.TypeAtEndAsync("before");
            await bob.WaitForCodeAsync(c => c == "before", "the first edit at bob");
            await aliceTwo.WaitForCodeAsync(c => c == "before", "the first edit in alice's second tab");

            await server.StopAsync();
            await Assertions.Expect(alice.Page.GetByRole(AriaRole.Status)).Not.ToHaveTextAsync("Connected");
            await alice.TypeAtEndAsync($" {code}");
            await alice.SendMessageAsync($"kept {chat}");
            await Assertions.Expect(alice.Message(chat)).ToContainTextAsync("sending");
            await Assertions.Expect(aliceTwo.Page.GetByRole(AriaRole.Status)).Not.ToHaveTextAsync("Connected");
            await aliceTwo.SendMessageAsync($"kept {otherTabsChat}");
            await Assertions.Expect(aliceTwo.Message(otherTabsChat)).ToContainTextAsync("sending");

            // All are kept, each tab's message in its own record, and only as ciphertext.
            List<KeptRecord> kept = [];
            try
            {
                await Eventually.TrueAsync(async () =>
                {
                    kept = await KeptAsync(alice.Page);
                    return kept.Any(r => ContainsSpread(r.Plain, code)) && kept.Any(r => r.Plain.Contains(chat) && !r.Plain.Contains(otherTabsChat)) &&
                           kept.Any(r => r.Plain.Contains(otherTabsChat));
                }, "the edit and the message to be kept in the browser");
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"{e.Message}; kept: {string.Join(" | ", kept.Select(r => $"{r.Name}: {r.Plain}"))}", e);
            }
            foreach (var record in await KeptAsync(alice.Page))
            {
                Assert.False(ContainsSpread(record.Raw, code), $"the code marker is readable in {record.Name}");
                Assert.False(ContainsSpread(record.Raw, chat), $"the chat marker is readable in {record.Name}");
                Assert.False(ContainsSpread(record.Raw, otherTabsChat), $"the second tab's chat marker is readable in {record.Name}");
            }
            await aliceTwo.Page.CloseAsync(); // the second tab first, its work kept

            // Closing a page with unsent work asks first.
            var asked = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            alice.Page.Dialog += async (_, dialog) =>
            {
                asked.TrySetResult(dialog.Type);
                await dialog.AcceptAsync();
            };
            alice.Page.Close += (_, _) => closed.TrySetResult();
            await alice.Page.CloseAsync(new() { RunBeforeUnload = true });
            Assert.Equal("beforeunload", await asked.Task.WaitAsync(TimeSpan.FromSeconds(20)));
            await closed.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await aliceBrowser.CloseAsync(); // the whole browser quits

            await server.DisposeAsync();
            server = await ParleyServerProcess.StartAsync(data, port: port);
            // Chromium started again on the same profile opens the room: what the closed tab kept goes out.
            aliceBrowser = await Fixture.LaunchProfileAsync(profile, server.BaseUri);
            var again = await RoomPage.OpenAsync(aliceBrowser.Pages.FirstOrDefault() ?? await aliceBrowser.NewPageAsync(), link);
            await bob.WaitForCodeAsync(c => c.Contains(code), "the kept edit at bob", 30_000);
            await Assertions.Expect(again.Message(chat)).ToContainTextAsync("sent", new() { Timeout = 30_000 });
            await Assertions.Expect(again.Message(otherTabsChat)).ToContainTextAsync("sent", new() { Timeout = 30_000 });
            await Assertions.Expect(bob.Message(chat)).ToHaveCountAsync(1);
            await Assertions.Expect(bob.Message(otherTabsChat)).ToHaveCountAsync(1);
            var merged = await bob.CopyAllCodeAsync();
            Assert.Equal(1, Occurrences(merged, code));
            await again.WaitForCodeAsync(c => c == merged, "alice's new tab to converge with bob");
            await Eventually.TrueAsync(async () => (await KeptAsync(again.Page)).Count == 0, "the delivered work to be deleted");
        }
        finally
        {
            await aliceBrowser.CloseAsync();
            await server.DisposeAsync();
            Directory.Delete(data, recursive: true);
            Directory.Delete(profile, recursive: true);
        }
    }
}
