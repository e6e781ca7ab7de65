using System.Text;
using Microsoft.Playwright;

namespace Parley.E2E;

public class AccountTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task Someone_registers_signs_out_and_signs_in_again()
    {
        var page = await Fixture.NewPersonAsync();
        await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.GetByRole(AriaRole.Link, new() { Name = "Register" }).ClickAsync();
        var userName = "ann" + Guid.NewGuid().ToString("N")[..8];
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(RoomPage.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();

        // Back on the landing page, signed in; a reload keeps it (the cookie, not the page, holds it).
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Start a session" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText($"Signed in as {userName}")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByText($"Signed in as {userName}")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Signed in as")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync("not the password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong user name or password.");

        await page.GetByLabel("Password").FillAsync(RoomPage.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByText($"Signed in as {userName}")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Start a session" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task In_one_room_a_guest_cannot_attach_a_file_while_a_signed_in_member_can()
    {
        var alicePage = await Fixture.NewPersonAsync();
        await RoomPage.RegisterAsync(alicePage);
        var alice = await RoomPage.StartSessionAsync(alicePage);
        var bob = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(), alice.Page.Url);
        await alice.WaitForMembersOnlineAsync(2);

        var bobsAttach = bob.Page.GetByRole(AriaRole.Button, new() { Name = "Attach files" });
        await Assertions.Expect(bobsAttach).ToBeDisabledAsync();
        await Assertions.Expect(bobsAttach).ToHaveAccessibleDescriptionAsync("Sign in to share files");
        await Assertions.Expect(bob.Page.GetByRole(AriaRole.Link, new() { Name = "Sign in to share files" })).ToBeVisibleAsync();
        // A file that arrives anyway (a drop or a paste takes the same path) is refused with the reason.
        await bob.AttachAsync(new FilePayload { Name = "bob.txt", MimeType = "text/plain", Buffer = "from bob"u8.ToArray() });
        await Assertions.Expect(bob.Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Sign in to share files." })).ToBeVisibleAsync();
        await Assertions.Expect(bob.Page.GetByRole(AriaRole.List, new() { Name = "Attachments to send" })).ToHaveCountAsync(0);

        await Assertions.Expect(alice.Page.GetByRole(AriaRole.Button, new() { Name = "Attach files" })).ToBeEnabledAsync();
        await alice.AttachAsync(new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = Encoding.UTF8.GetBytes("shared notes") });
        await alice.SendMessageAsync("notes for everyone");
        var message = bob.Message("notes for everyone");
        var download = await bob.Page.RunAndWaitForDownloadAsync(() =>
            message.GetByRole(AriaRole.Button, new() { Name = "Download notes.txt" }).ClickAsync());
        Assert.Equal("shared notes", await File.ReadAllTextAsync(await download.PathAsync()));

        // Bob signs in from the room (its menu) and comes straight back to it, now able to share.
        await (await bob.OpenMenuAsync()).GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await bob.Page.GetByRole(AriaRole.Link, new() { Name = "Register" }).ClickAsync();
        await bob.Page.GetByLabel("User name").FillAsync("bob" + Guid.NewGuid().ToString("N")[..8]);
        await bob.Page.GetByLabel("Password").FillAsync(RoomPage.Password);
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await bob.WaitForEditorAsync();
        Assert.Equal(alice.Page.Url, bob.Page.Url);
        await Assertions.Expect(bobsAttach).ToBeEnabledAsync();
    }

    [Fact]
    public async Task A_guest_starts_a_session_after_the_captcha_but_needs_an_account_to_protect_it()
    {
        var carol = await RoomPage.StartSessionAsync(await Fixture.NewPersonAsync());
        var settings = await carol.OpenRoomSettingsAsync();

        var protect = settings.GetByRole(AriaRole.Button, new() { Name = "Protect with a password" });
        await Assertions.Expect(protect).ToBeDisabledAsync();
        await Assertions.Expect(protect).ToHaveAccessibleDescriptionAsync("Sign in to protect this room with a password");
        await Assertions.Expect(settings.GetByRole(AriaRole.Link, new() { Name = "Sign in to protect this room with a password" }))
            .ToBeVisibleAsync();
        await Assertions.Expect(carol.Page.GetByLabel("Password protected")).ToHaveCountAsync(0);
    }
}
