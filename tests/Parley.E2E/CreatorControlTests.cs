using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Parley.E2E;

public class CreatorControlTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task The_creator_kicks_a_member_everyone_sees_it_and_the_kicked_person_is_shut_out()
    {
        var alice = await RoomPage.StartSessionAsync(await Fixture.NewPersonAsync());
        var link = alice.Page.Url;
        var bob = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(), link);
        var carol = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(), link);
        await alice.WaitForMembersOnlineAsync(3);
        var bobName = await bob.OwnNameAsync();
        var aliceName = await alice.OwnNameAsync();

        // Only the creator has the controls, and everyone can see who the creator is.
        await carol.OpenMembersAsync();
        await Assertions.Expect(carol.MemberItem(aliceName)).ToContainTextAsync("creator");
        await Assertions.Expect(carol.Menu.GetByRole(AriaRole.Button, new() { Name = "Leave room" })).ToBeVisibleAsync();
        await Assertions.Expect(carol.Page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Kick ") })).ToHaveCountAsync(0);
        await Assertions.Expect(carol.Page.GetByRole(AriaRole.Group, new() { Name = "Room settings" })).ToHaveCountAsync(0);
        await Assertions.Expect(carol.Page.GetByRole(AriaRole.Button, new() { Name = "Terminate session" })).ToHaveCountAsync(0);

        await alice.OpenMembersAsync();
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = $"Kick {bobName}" }).ClickAsync();
        var confirm = alice.Page.GetByRole(AriaRole.Alertdialog).Or(alice.Page.GetByRole(AriaRole.Dialog));
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Kick", Exact = true }).ClickAsync();

        await Assertions.Expect(bob.Page.GetByRole(AriaRole.Heading, new() { Name = "You were removed from this room" })).ToBeVisibleAsync();
        await Assertions.Expect(bob.Editor).ToHaveCountAsync(0);
        await Assertions.Expect(carol.MemberItem(bobName)).ToHaveCountAsync(0);
        await carol.WaitForMembersOnlineAsync(2);
        await Assertions.Expect(carol.Messages.GetByText($"{bobName} was removed")).ToBeVisibleAsync(); // a line in the chat…
        await Assertions.Expect(carol.Page.GetByText($"{bobName} was removed")).ToHaveCountAsync(2); // …and a notice, for a screen showing only the code

        // The same browser, with the same link, does not get back in as that member.
        await bob.Page.GotoAsync(link);
        await Assertions.Expect(bob.Page.GetByRole(AriaRole.Heading, new() { Name = "You were removed from this room" }))
            .ToBeVisibleAsync();

        // The others carry on, under a new key and a new link: the one the kicked person knows admits nobody new.
        await carol.TypeAtEndAsync("still collaborating");
        await alice.WaitForCodeAsync(c => c.Contains("still collaborating"), "carol's edit after the kick");
        await alice.Page.WaitForFunctionAsync("old => location.hash !== old", new Uri(link).Fragment);
        var stranger = await Fixture.NewPersonAsync();
        await stranger.GotoAsync(link);
        await Assertions.Expect(stranger.GetByText("This link does not open this room")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_creator_terminates_the_session_after_confirming_and_the_link_then_says_it_ended()
    {
        var alice = await RoomPage.StartSessionAsync(await Fixture.NewPersonAsync());
        var link = alice.Page.Url;
        var bob = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(), link);
        await bob.SendMessageAsync("something to delete");
        await Assertions.Expect(alice.Message("something to delete")).ToBeVisibleAsync();

        var terminate = (await alice.OpenRoomSettingsAsync()).GetByRole(AriaRole.Button, new() { Name = "Terminate session" });
        await terminate.ClickAsync();
        var confirm = alice.Page.GetByRole(AriaRole.Alertdialog).Or(alice.Page.GetByRole(AriaRole.Dialog));
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(bob.Editor).ToBeAttachedAsync(); // cancelling changed nothing
        await terminate.ClickAsync();
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Terminate", Exact = true }).ClickAsync();

        foreach (var person in new[] { alice, bob })
            await Assertions.Expect(person.Page.GetByRole(AriaRole.Heading, new() { Name = "This session has ended" })).ToBeVisibleAsync();
        var latecomer = await Fixture.NewPersonAsync();
        await latecomer.GotoAsync(link);
        await Assertions.Expect(latecomer.GetByRole(AriaRole.Heading, new() { Name = "This session has ended" })).ToBeVisibleAsync();
    }
}
