using Microsoft.Playwright;

namespace Parley.E2E;

/// <summary>"Start a session: a link, with a password option": a signed-in person names and protects a room as they start it.</summary>
public class StartOptionsTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task A_name_and_password_chosen_at_the_start_hold_for_the_next_person()
    {
        var alicePage = await Fixture.NewPersonAsync();
        await RoomPage.RegisterAsync(alicePage);
        await RoomPage.StartSessionAsync(alicePage, "Friday pairing", "a long shared secret");
        await Assertions.Expect(alicePage.GetByLabel("Password protected")).ToBeVisibleAsync();
        await Assertions.Expect(alicePage).ToHaveTitleAsync("Friday pairing · Parley");

        var bob = await RoomPage.EnterWithPasswordAsync(await Fixture.NewPersonAsync(), alicePage.Url, "a long shared secret");
        await Assertions.Expect(bob.Page).ToHaveTitleAsync("Friday pairing · Parley");
    }

    [Fact]
    public async Task A_guest_is_told_why_there_are_no_options_and_still_starts_at_once()
    {
        var page = await Fixture.NewPersonAsync();
        await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Assertions.Expect(page.GetByText("to name a new room or protect it with a password")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Room password")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Start a session" }).ClickAsync();
        await new RoomPage(page).WaitForEditorAsync();
    }

    [Fact]
    public async Task A_room_this_browser_was_in_is_listed_under_Recent_rooms_opens_from_there_and_can_be_forgotten()
    {
        var page = await Fixture.NewPersonAsync();
        var room = await RoomPage.StartSessionAsync(page);
        var roomPath = new Uri(page.Url).AbsolutePath;
        var name = (await page.TitleAsync()).Replace(" · Parley", "");
        // The room is written to this browser's list once joined; leaving before that write commits would lose it.
        await Parley.Testing.Eventually.TrueAsync(async () => await BrowserStorage.CountAsync(page, "parley-recent", "rooms") > 0,
            "the room in this browser's recent rooms");

        await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        var recent = page.GetByRole(AriaRole.Region, new() { Name = "Recent rooms" });
        await recent.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await room.WaitForEditorAsync();
        Assert.Equal(roomPath, new Uri(page.Url).AbsolutePath);

        await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await recent.GetByRole(AriaRole.Button, new() { Name = $"Forget {name}" }).ClickAsync();
        await Assertions.Expect(recent).ToHaveCountAsync(0);
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Recent rooms" })).ToHaveCountAsync(0);
    }
}
