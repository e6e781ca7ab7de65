using Microsoft.Playwright;

namespace Parley.E2E;

public class CollaborationTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task Two_people_typing_at_once_converge_a_late_joiner_sees_it_all_and_a_reload_keeps_it()
    {
        var alice = await RoomPage.StartSessionAsync(await Fixture.NewPersonAsync());
        var link = alice.Page.Url;
        var bob = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(), link);
        await alice.WaitForMembersOnlineAsync(2);
        await bob.WaitForMembersOnlineAsync(2);

        var aliceWords = "alpha bravo charlie delta echo foxtrot";
        var bobWords = "one two three four five six seven";
        await Task.WhenAll(alice.TypeAtEndAsync(aliceWords), bob.TypeAtEndAsync(bobWords));

        // Typing at the same spot at the same time interleaves the two streams; what must hold is
        // that both documents are the same and that each person's keystrokes are all there, in order.
        var total = aliceWords.Length + bobWords.Length;
        await alice.WaitForCodeAsync(c => c.Length == total, "every keystroke of both people at alice");
        var atAlice = await alice.CopyAllCodeAsync();
        await bob.WaitForCodeAsync(c => c == atAlice, "bob's document to equal alice's");
        Assert.True(IsInterleavingOf(atAlice, aliceWords, bobWords), $"'{atAlice}' is not an interleaving of the two inputs");

        var carol = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(), link);
        await carol.WaitForCodeAsync(c => c == atAlice, "the late joiner to see the whole document");
        await alice.WaitForMembersOnlineAsync(3);

        await bob.Page.ReloadAsync();
        await bob.WaitForEditorAsync();
        await bob.WaitForCodeAsync(c => c == atAlice, "the document after a reload");
        await bob.TypeAtEndAsync(" golf");
        await carol.WaitForCodeAsync(c => c == atAlice + " golf", "an edit after the reload to reach carol");
    }

    [Fact]
    public async Task The_language_choice_is_shared_and_remote_cursors_carry_a_name()
    {
        var alice = await RoomPage.StartSessionAsync(await Fixture.NewPersonAsync());
        var bob = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(), alice.Page.Url);
        await bob.WaitForMembersOnlineAsync(2);

        await alice.Language.SelectOptionAsync("python");
        await Assertions.Expect(bob.Language).ToHaveValueAsync("python");

        await alice.TypeAtEndAsync("def greet():");
        // Monaco loads a language's rules when it is first chosen; its colours come with them, so wait for a coloured token.
        await Assertions.Expect(alice.Page.Locator(".view-lines span[class*='mtk']:not(.mtk1)").First).ToBeAttachedAsync();
        await alice.TypeAtEndAsync("\nreturn 1");
        // Python indents the body after "def ...:" as VS Code does.
        await bob.WaitForCodeAsync(c => c.Replace("\r", "") == "def greet():\n    return 1", "an indented python body");

        // Bob sees where Alice's cursor is.
        await Assertions.Expect(bob.Page.Locator("[class*='yRemoteSelectionHead-']").First).ToBeAttachedAsync();
    }

    /// <summary>True when <paramref name="merged"/> consists of exactly the characters of a and b,
    /// each in its own order (a classic dynamic programme over prefixes).</summary>
    static bool IsInterleavingOf(string merged, string a, string b)
    {
        if (merged.Length != a.Length + b.Length) return false;
        var ok = new bool[a.Length + 1, b.Length + 1];
        ok[0, 0] = true;
        for (var i = 0; i <= a.Length; i++)
        for (var j = 0; j <= b.Length; j++)
        {
            if (i > 0 && ok[i - 1, j] && a[i - 1] == merged[i + j - 1]) ok[i, j] = true;
            if (j > 0 && ok[i, j - 1] && b[j - 1] == merged[i + j - 1]) ok[i, j] = true;
        }
        return ok[a.Length, b.Length];
    }
}
