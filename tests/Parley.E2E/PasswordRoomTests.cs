using Microsoft.Playwright;

namespace Parley.E2E;

public class PasswordRoomTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task A_newcomer_to_a_protected_room_enters_only_with_the_right_password()
    {
        var alicePage = await Fixture.NewPersonAsync();
        await RoomPage.RegisterAsync(alicePage); // protecting a room takes an account
        var alice = await RoomPage.StartSessionAsync(alicePage);
        var link = alice.Page.Url;
        await alice.TypeAtEndAsync("protected work");

        await (await alice.OpenRoomSettingsAsync()).GetByRole(AriaRole.Button, new() { Name = "Protect with a password" }).ClickAsync();
        var dialog = alice.Page.GetByRole(AriaRole.Dialog, new() { Name = "Room password" });
        await dialog.GetByLabel("New room password").FillAsync("hunter22 is long enough");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Assertions.Expect(alice.Page.GetByLabel("Password protected")).ToBeVisibleAsync();
        // The setting says it is on, and offers to change or remove it.
        var settings = await alice.OpenRoomSettingsAsync();
        await Assertions.Expect(settings.GetByText("Password: on")).ToBeVisibleAsync();
        await Assertions.Expect(settings.GetByRole(AriaRole.Button, new() { Name = "Change password" })).ToBeVisibleAsync();
        await Assertions.Expect(settings.GetByRole(AriaRole.Button, new() { Name = "Remove password" })).ToBeVisibleAsync();
        await alice.CloseMenuAsync();

        var bobPage = await Fixture.NewPersonAsync();
        await bobPage.GotoAsync(link, new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Assertions.Expect(bobPage.GetByRole(AriaRole.Heading, new() { Name = "This room is protected" })).ToBeVisibleAsync();
        await Assertions.Expect(bobPage.GetByRole(AriaRole.Textbox, new() { Name = "Code editor" })).ToHaveCountAsync(0);

        await bobPage.GetByLabel("Room password").FillAsync("not the password");
        await bobPage.GetByRole(AriaRole.Button, new() { Name = "Enter room" }).ClickAsync();
        await Assertions.Expect(bobPage.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Wrong room password" })).ToBeVisibleAsync();

        await bobPage.GetByLabel("Room password").FillAsync("hunter22 is long enough");
        await bobPage.GetByRole(AriaRole.Button, new() { Name = "Enter room" }).ClickAsync();
        var bob = new RoomPage(bobPage);
        await bob.WaitForEditorAsync();
        await bob.WaitForCodeAsync(c => c == "protected work", "the protected room's code");
        await Assertions.Expect(bobPage.GetByLabel("Password protected")).ToBeVisibleAsync();

        // Once in, a reload does not ask again: the browser is a member now.
        await bobPage.ReloadAsync();
        await bob.WaitForEditorAsync();
        await bob.WaitForCodeAsync(c => c == "protected work", "the code after a reload");
    }
}
