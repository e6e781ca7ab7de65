using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Parley.E2E;

/// <summary>What people reach for in a chat: reply, edit, delete, react, and lines for who came and went.</summary>
public class ChatActionsTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    /// <summary>The message's actions show on hover (or focus), as in Slack: hover first, then press.</summary>
    static async Task ActAsync(ILocator message, string action)
    {
        await message.HoverAsync();
        await message.GetByRole(AriaRole.Button, new() { Name = action }).ClickAsync();
    }

    /// <summary>A person's messages, by the name each message is labelled with ("Ann, 10:04").</summary>
    static ILocator From(RoomPage room, string name) =>
        room.Messages.GetByRole(AriaRole.Article, new() { NameRegex = new Regex("^" + Regex.Escape(name) + ",") });

    [Fact]
    public async Task People_reply_edit_delete_and_react_and_a_newcomer_reads_the_same_conversation()
    {
        var alice = await RoomPage.StartSessionAsync(await Fixture.NewPersonAsync());
        var aliceName = await alice.OwnNameAsync();
        var bob = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(), alice.Page.Url);
        var bobName = await bob.OwnNameAsync();
        await Assertions.Expect(alice.Messages.GetByText($"{bobName} joined")).ToBeVisibleAsync();

        // Bob replies to Alice's message.
        await alice.SendMessageAsync("deploy at five");
        await ActAsync(bob.Message("deploy at five"), $"Reply to {aliceName}");
        await Assertions.Expect(bob.Page.GetByText($"Replying to {aliceName}")).ToBeVisibleAsync();
        await bob.SendMessageAsync("make it six");
        var reply = alice.Message("make it six");
        await Assertions.Expect(reply.GetByRole(AriaRole.Button, new() { Name = $"In reply to {aliceName}: deploy at five" })).ToBeVisibleAsync();

        // Alice edits hers; everyone reads the new text, marked as edited.
        await ActAsync(From(alice, aliceName), "Edit message");
        var editor = alice.Messages.GetByRole(AriaRole.Textbox, new() { Name = "Edit message" });
        await editor.FillAsync("deploy at half past five");
        await editor.PressAsync("Enter");
        var edited = From(bob, aliceName);
        await Assertions.Expect(edited).ToContainTextAsync("deploy at half past five");
        await Assertions.Expect(edited).ToContainTextAsync("(edited)");

        // Bob reacts to it; his chip is pressed, Alice's counts him.
        await ActAsync(edited, "Add reaction");
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "React with 👍" }).ClickAsync();
        var bobsChip = edited.GetByRole(AriaRole.Button, new() { Name = "👍 1, react with 👍" });
        await Assertions.Expect(bobsChip).ToHaveAttributeAsync("aria-pressed", "true");
        var alicesChip = From(alice, aliceName).GetByRole(AriaRole.Button, new() { Name = "👍 1, react with 👍" });
        await Assertions.Expect(alicesChip).ToHaveAttributeAsync("aria-pressed", "false");

        // Bob deletes his reply, after a confirmation: its text is gone for Alice too.
        await ActAsync(bob.Message("make it six"), "Delete message");
        var confirm = bob.Page.GetByRole(AriaRole.Dialog, new() { Name = "Delete message?" })
            .Or(bob.Page.GetByRole(AriaRole.Alertdialog, new() { Name = "Delete message?" }));
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Assertions.Expect(alice.Messages.GetByText("make it six")).ToHaveCountAsync(0);
        await Assertions.Expect(alice.Messages.GetByText("Message deleted")).ToHaveCountAsync(1);

        // A newcomer, folding the stored history, reads the same: the edit, the reaction, the deletion.
        var carol = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(), alice.Page.Url);
        var seen = From(carol, aliceName);
        await Assertions.Expect(seen).ToContainTextAsync("deploy at half past five");
        await Assertions.Expect(seen).ToContainTextAsync("(edited)");
        await Assertions.Expect(seen.GetByRole(AriaRole.Button, new() { Name = "👍 1, react with 👍" })).ToBeVisibleAsync();
        await Assertions.Expect(carol.Messages.GetByText("deploy at five", new() { Exact = true })).ToHaveCountAsync(0);
        await Assertions.Expect(carol.Messages.GetByText("make it six")).ToHaveCountAsync(0);
        await Assertions.Expect(carol.Messages.GetByText("Message deleted")).ToHaveCountAsync(1);

        // And when Bob goes, the others get a line for it.
        await bob.Page.CloseAsync();
        await Assertions.Expect(carol.Messages.GetByText($"{bobName} left")).ToBeVisibleAsync();
    }
}
