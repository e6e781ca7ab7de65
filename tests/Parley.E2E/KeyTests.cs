using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Parley.E2E;

/// <summary>Device fingerprints, key rotation and link renewal, as people in a room meet them.</summary>
public class KeyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    static string FragmentOf(string url) => new Uri(url).Fragment;

    [Fact]
    public async Task Each_person_sees_the_same_fingerprint_for_a_member_as_that_member_sees_for_itself()
    {
        var alice = await RoomPage.StartSessionAsync(await Fixture.NewPersonAsync());
        var bob = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(), alice.Page.Url);
        await alice.WaitForMembersOnlineAsync(2);
        var aliceName = await alice.OwnNameAsync();
        var bobName = await bob.OwnNameAsync();

        await alice.OpenMembersAsync();
        await bob.OpenMembersAsync();
        var alicesOwn = await alice.Page.GetByLabel("Your fingerprint").InnerTextAsync();
        var bobsOwn = await bob.Page.GetByLabel("Your fingerprint").InnerTextAsync();

        Assert.Matches(new Regex(@"^\d{5}( \d{5}){5}$"), alicesOwn);
        Assert.NotEqual(alicesOwn, bobsOwn);
        await Assertions.Expect(bob.Page.GetByLabel($"Fingerprint of {aliceName}")).ToHaveTextAsync(alicesOwn);
        await Assertions.Expect(alice.Page.GetByLabel($"Fingerprint of {bobName}")).ToHaveTextAsync(bobsOwn);
    }

    [Fact]
    public async Task After_the_creator_renews_the_link_the_old_one_admits_nobody_new_while_members_and_the_new_link_work()
    {
        var alice = await RoomPage.StartSessionAsync(await Fixture.NewPersonAsync());
        var oldLink = alice.Page.Url;
        var bob = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(), oldLink);
        await alice.TypeAtEndAsync("before renewal");
        await bob.WaitForCodeAsync(c => c.Contains("before renewal"), "alice's first words");

        var settings = await alice.OpenRoomSettingsAsync();
        await settings.GetByRole(AriaRole.Button, new() { Name = "Renew invite link" }).ClickAsync();
        var confirm = alice.Page.GetByRole(AriaRole.Dialog);
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Renew link" }).ClickAsync();

        // Both members' address bars follow the new link; the code goes on under the new key.
        await alice.Page.WaitForFunctionAsync("old => location.hash !== old", FragmentOf(oldLink));
        await bob.Page.WaitForFunctionAsync("hash => location.hash === hash", FragmentOf(alice.Page.Url));
        var newLink = alice.Page.Url;
        await bob.TypeAtEndAsync(" after renewal");
        await alice.WaitForCodeAsync(c => c.Contains("after renewal"), "bob's edit under the new key");

        var late = await Fixture.NewPersonAsync();
        await late.GotoAsync(oldLink);
        // The old link gets a page that says what happened, not a room that never loads.
        await Assertions.Expect(late.GetByRole(AriaRole.Heading, new() { Name = "This link does not open the room" })).ToBeVisibleAsync();
        await Assertions.Expect(late.GetByText("This link does not open this room")).ToBeVisibleAsync();
        await Assertions.Expect(late.GetByRole(AriaRole.Textbox, new() { Name = "Code editor" })).ToHaveCountAsync(0);
        var carol = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(), newLink);
        await carol.WaitForCodeAsync(c => c.Contains("before renewal") && c.Contains("after renewal"), "the whole code for carol");

        // A Files address shared with the invite fragment lets a newcomer in, on the Files page.
        var dave = await Fixture.NewPersonAsync();
        var roomId = new Uri(newLink).AbsolutePath.Split('/')[^1];
        await dave.GotoAsync($"/rooms/{roomId}/files#{FragmentOf(newLink).TrimStart('#')}");
        await Assertions.Expect(dave.GetByRole(AriaRole.Button, new() { Name = "Upload files" })).ToBeVisibleAsync();
        await Assertions.Expect(dave.GetByRole(AriaRole.Heading, new() { Name = "Open the room's invite link first" })).ToHaveCountAsync(0);
        await Assertions.Expect(dave.GetByRole(AriaRole.Status).GetByText("Connected")).ToBeVisibleAsync();
    }
}
