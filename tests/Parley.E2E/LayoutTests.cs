using System.Text.Json;
using Microsoft.Playwright;

namespace Parley.E2E;

/// <summary>
/// The room at a phone's, a small laptop's, a laptop's and a desktop's window: the top bar is one row,
/// feedback never moves a control, and the menu opens wholly on screen.
/// </summary>
public class LayoutTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    static readonly (int Width, int Height)[] Sizes = [(390, 844), (1024, 700), (1280, 720), (1920, 1080)];

    record Box(string What, double X, double Y, double Width, double Height)
    {
        public double Right => X + Width;
        public double Bottom => Y + Height;
        public override string ToString() => $"{What} at ({X:F0}, {Y:F0}) {Width:F0}x{Height:F0}";
    }

    /// <summary>The boxes of the top bar's visible parts (the floating feedback aside) and of the bar itself, last.</summary>
    static async Task<Box[]> TopBarAsync(IPage page) => Parse(await page.EvaluateAsync<JsonElement>("""
        () => {
          const bar = document.querySelector('header.topbar');
          const parts = [...bar.children].filter((e) => !e.classList.contains('feedback') && e.getBoundingClientRect().height > 0);
          return [...parts, bar].map((e) => {
            const r = e.getBoundingClientRect();
            return { what: (e.getAttribute('aria-label') || e.textContent || e.className).trim().slice(0, 40), x: r.x, y: r.y, width: r.width, height: r.height };
          });
        }
        """));

    /// <summary>Every control and heading in the open menu, each scrolled into view first (the panel scrolls when it is long).</summary>
    static async Task<Box[]> MenuItemsAsync(IPage page) => Parse(await page.EvaluateAsync<JsonElement>("""
        () => {
          const panel = document.querySelector('.room-menu-panel');
          const items = [panel, ...panel.querySelectorAll('button, a, select, input, h2, li')].filter((e) => e.getClientRects().length > 0);
          return items.map((e) => {
            e.scrollIntoView({ block: 'nearest', inline: 'nearest' });
            const r = e.getBoundingClientRect();
            return { what: (e.getAttribute('aria-label') || e.textContent || e.tagName).trim().slice(0, 40), x: r.x, y: r.y, width: r.width, height: r.height };
          });
        }
        """));

    /// <summary>The top bar once a resize has been rendered: two reads a frame apart that agree.</summary>
    static async Task<Box[]> SettledTopBarAsync(IPage page)
    {
        var last = await TopBarAsync(page);
        for (var reads = 0; reads < 50; reads++) // bounded: 50 frames and more are a layout that never settles
        {
            await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
            var now = await TopBarAsync(page);
            if (now.SequenceEqual(last)) return now;
            last = now;
        }
        throw new TimeoutException("The top bar kept changing after the resize: " + string.Join("; ", last.AsEnumerable()));
    }

    static Box[] Parse(JsonElement boxes) => boxes.EnumerateArray()
        .Select(b => new Box(b.GetProperty("what").GetString()!, b.GetProperty("x").GetDouble(), b.GetProperty("y").GetDouble(),
            b.GetProperty("width").GetDouble(), b.GetProperty("height").GetDouble()))
        .ToArray();

    static void AssertOneRowOnScreen(Box[] topBar, int width, string who)
    {
        var (parts, bar) = (topBar[..^1], topBar[^1]);
        // One row: a horizontal line crosses every part.
        var lowestTop = parts.Max(p => p.Y);
        var highestBottom = parts.Min(p => p.Bottom);
        Assert.True(lowestTop < highestBottom, $"{who} at {width} px: the top bar has more than one row: {string.Join("; ", parts.AsEnumerable())}");
        Assert.True(bar.Height <= 60, $"{who} at {width} px: the top bar is {bar.Height:F0} px high");
        foreach (var part in parts)
            Assert.True(part.X >= 0 && part.Right <= width + 0.5, $"{who} at {width} px: {part} is not wholly on screen");
    }

    [Fact]
    public async Task At_a_phone_a_small_laptop_a_laptop_and_a_desktop_the_top_bar_is_one_row_and_the_menu_opens_on_screen()
    {
        // A signed-in creator with a long room name and a password (the lock shows), and a guest.
        var alicePage = await Fixture.NewPersonAsync();
        await RoomPage.RegisterAsync(alicePage);
        var alice = await RoomPage.StartSessionAsync(alicePage, "Design review for the payments service, second round", "a long shared secret");
        var bob = await RoomPage.EnterWithPasswordAsync(await Fixture.NewPersonAsync(), alicePage.Url, "a long shared secret");

        foreach (var (who, room) in new[] { ("the creator", alice), ("a guest", bob) })
            foreach (var (width, height) in Sizes)
            {
                await room.Page.SetViewportSizeAsync(width, height);
                await Assertions.Expect(room.Page.GetByRole(AriaRole.Status, new() { Name = "Connection status" })).ToHaveTextAsync("Connected");
                var before = await SettledTopBarAsync(room.Page);
                AssertOneRowOnScreen(before, width, who);
                if (width < 700)
                    await Assertions.Expect(room.Page.GetByRole(AriaRole.Tab, new() { Name = "Chat" })).ToBeVisibleAsync();

                // Feedback appears without moving anything.
                await room.Page.GetByRole(AriaRole.Button, new() { Name = "Copy invite link" }).ClickAsync();
                await Assertions.Expect(room.Page.GetByText("Invite link copied")).ToBeVisibleAsync();
                Assert.Equal(before, await TopBarAsync(room.Page));

                // The menu, with everything in it, lies inside the window.
                await room.OpenMenuAsync();
                foreach (var item in await MenuItemsAsync(room.Page))
                    Assert.True(item.X >= 0 && item.Y >= 0 && item.Right <= width + 0.5 && item.Bottom <= height + 0.5,
                        $"{who} at {width}x{height}: {item} is not wholly on screen");
                await room.CloseMenuAsync();
            }

        // What a phone keeps in the menu still works there.
        await bob.Page.SetViewportSizeAsync(390, 844);
        var menu = await bob.OpenMenuAsync();
        await menu.GetByRole(AriaRole.Combobox, new() { Name = "Language" }).SelectOptionAsync("python");
        await Assertions.Expect(alice.Language).ToHaveValueAsync("python");
    }
}
