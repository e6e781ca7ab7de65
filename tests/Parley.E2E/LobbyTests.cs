using Microsoft.Playwright;

namespace Parley.E2E;

public class LobbyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task With_the_lobby_on_the_creator_admits_one_newcomer_and_refuses_another()
    {
        var alice = await RoomPage.StartSessionAsync(await Fixture.NewPersonAsync());
        var link = alice.Page.Url;
        await alice.TypeAtEndAsync("lobby-guarded code");
        var lobby = (await alice.OpenRoomSettingsAsync()).GetByRole(AriaRole.Switch, new() { Name = "Lobby" });
        await lobby.ClickAsync();
        await Assertions.Expect(lobby).ToBeCheckedAsync();
        await alice.CloseMenuAsync(); // it would cover the join requests' buttons

        var bobPage = await Fixture.NewPersonAsync();
        await bobPage.GotoAsync(link, new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Assertions.Expect(bobPage.GetByRole(AriaRole.Heading, new() { Name = "Waiting for the host to let you in" })).ToBeVisibleAsync();
        await Assertions.Expect(bobPage.GetByRole(AriaRole.Textbox, new() { Name = "Code editor" })).ToHaveCountAsync(0);
        var bob = new RoomPage(bobPage);

        var requests = alice.Page.GetByRole(AriaRole.List, new() { Name = "Join requests" })
            .Or(alice.Page.GetByRole(AriaRole.Region, new() { Name = "Join requests" }));
        var admit = requests.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Admit ") });
        await Assertions.Expect(admit).ToHaveCountAsync(1);
        await admit.ClickAsync();

        await bob.WaitForEditorAsync();
        await bob.WaitForCodeAsync(c => c == "lobby-guarded code", "the code once admitted");

        var carolPage = await Fixture.NewPersonAsync();
        await carolPage.GotoAsync(link, new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Assertions.Expect(carolPage.GetByRole(AriaRole.Heading, new() { Name = "Waiting for the host to let you in" })).ToBeVisibleAsync();
        var refuse = requests.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Refuse ") });
        await refuse.ClickAsync();
        await Assertions.Expect(carolPage.GetByRole(AriaRole.Heading, new() { Name = "The host did not let you in" })).ToBeVisibleAsync();
        await carolPage.ReloadAsync();
        await Assertions.Expect(carolPage.GetByRole(AriaRole.Heading, new() { Name = "The host did not let you in" })).ToBeVisibleAsync();
    }
}
