using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Parley.E2E;

/// <summary>People choose the name others see, in their first room, and see each other by it everywhere.</summary>
public class NameTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    static ILocator NameField(IPage page) => page.GetByRole(AriaRole.Textbox, new() { Name = "Your name" });

    static async Task ChooseNameAsync(IPage page, string name)
    {
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "What should people call you?" })).ToBeVisibleAsync();
        await NameField(page).FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Enter the room" }).ClickAsync();
    }

    static async Task<RoomPage> StartAsAsync(IPage page, string name)
    {
        await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.GetByRole(AriaRole.Button, new() { Name = "Start a session" }).ClickAsync();
        await ChooseNameAsync(page, name);
        var room = new RoomPage(page);
        await room.WaitForEditorAsync();
        return room;
    }

    static async Task<RoomPage> JoinAsAsync(IPage page, string link, string name)
    {
        await page.GotoAsync(link, new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await ChooseNameAsync(page, name);
        var room = new RoomPage(page);
        await room.WaitForEditorAsync();
        return room;
    }

    [Fact]
    public async Task Names_people_choose_show_in_the_member_list_chat_cursors_files_and_kick_buttons_and_a_taken_name_gets_a_number()
    {
        var alice = await StartAsAsync(await Fixture.NewPersonAsync(chooseName: true), "Alice");
        var link = alice.Page.Url;
        // Bob shares a file below, which takes an account; he still picks a name other than its user name.
        var bobPage = await Fixture.NewPersonAsync(chooseName: true);
        await RoomPage.RegisterAsync(bobPage);
        var bob = await JoinAsAsync(bobPage, link, "Bob");
        var second = await JoinAsAsync(await Fixture.NewPersonAsync(chooseName: true), link, "alice");
        await alice.WaitForMembersOnlineAsync(3);

        // The later "alice" is told how others see her, and everyone sees the same three names.
        await Assertions.Expect(second.Page.GetByText("Someone here is already called alice, so others see you as alice (2).")).ToBeVisibleAsync();
        foreach (var person in new[] { alice, bob, second })
        {
            await person.OpenMembersAsync();
            foreach (var name in new[] { "Alice", "Bob", "alice (2)" })
            {
                // Case matters here: "alice (2)" also contains "Alice" to a case-blind filter.
                var item = person.MemberList.GetByRole(AriaRole.Listitem).Filter(new() { HasTextRegex = new Regex("^" + Regex.Escape(name)) });
                await Assertions.Expect(item).ToHaveCountAsync(1);
            }
            await person.CloseMenuAsync();
        }

        // The creator can tell whom each button removes.
        await alice.OpenMembersAsync();
        await Assertions.Expect(alice.Page.GetByRole(AriaRole.Button, new() { Name = "Kick Bob", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(alice.Page.GetByRole(AriaRole.Button, new() { Name = "Kick alice (2)", Exact = true })).ToBeVisibleAsync();
        await alice.CloseMenuAsync();

        // Chat shows the author's name; the cursor tag names its person.
        await bob.SendMessageAsync("hello from bob");
        await Assertions.Expect(alice.Message("hello from bob")).ToHaveAttributeAsync("aria-label", new Regex("^Bob, "));
        await bob.TypeAtEndAsync("x");
        await alice.Page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('style')].some((s) => s.textContent.includes('content:\"Bob\"'))");

        // Files page: who uploaded what.
        await (await bob.OpenMenuAsync()).GetByRole(AriaRole.Link, new() { Name = "Files" }).ClickAsync();
        await bob.Page.Locator(".files-toolbar input[type=file][multiple]").SetInputFilesAsync(new FilePayload
        {
            Name = "notes.txt", MimeType = "text/plain", Buffer = "some notes"u8.ToArray(),
        });
        await (await alice.OpenMenuAsync()).GetByRole(AriaRole.Link, new() { Name = "Files" }).ClickAsync();
        var row = alice.Page.GetByRole(AriaRole.Row).Filter(new() { Has = alice.Page.GetByRole(AriaRole.Rowheader, new() { Name = "notes.txt" }) });
        await Assertions.Expect(row.GetByRole(AriaRole.Cell).Filter(new() { HasText = "Bob" })).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_changed_name_reaches_everyone_and_is_remembered_for_the_next_room()
    {
        var alice = await StartAsAsync(await Fixture.NewPersonAsync(chooseName: true), "Alice");
        var bob = await JoinAsAsync(await Fixture.NewPersonAsync(chooseName: true), alice.Page.Url, "Bob");
        await alice.WaitForMembersOnlineAsync(2);

        var menu = await bob.OpenMenuAsync();
        await menu.GetByRole(AriaRole.Textbox, new() { Name = "Your name" }).FillAsync("Robert");
        await menu.GetByRole(AriaRole.Button, new() { Name = "Change name" }).ClickAsync();
        await bob.CloseMenuAsync();

        await alice.OpenMembersAsync();
        await Assertions.Expect(alice.MemberItem("Robert")).ToHaveCountAsync(1);
        await Assertions.Expect(alice.MemberItem("Bob")).ToHaveCountAsync(0);
        await alice.CloseMenuAsync();

        // Bob's browser starts its next session without asking again.
        await bob.Page.GotoAsync("/", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Start a session" }).ClickAsync();
        var next = new RoomPage(bob.Page);
        await next.WaitForEditorAsync();
        Assert.Equal("Robert", await next.OwnNameAsync());
    }

    [Fact]
    public async Task A_signed_in_person_is_offered_their_account_name()
    {
        var page = await Fixture.NewPersonAsync(chooseName: true);
        var userName = await RoomPage.RegisterAsync(page);
        await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.GetByRole(AriaRole.Button, new() { Name = "Start a session" }).ClickAsync();
        await Assertions.Expect(NameField(page)).ToHaveValueAsync(userName);
        await page.GetByRole(AriaRole.Button, new() { Name = "Enter the room" }).ClickAsync();
        var room = new RoomPage(page);
        await room.WaitForEditorAsync();
        Assert.Equal(userName, await room.OwnNameAsync());
    }
}
