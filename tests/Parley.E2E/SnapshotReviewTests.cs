using Parley.Testing;

namespace Parley.E2E;

/// <summary>
/// Vandal snapshots (docs/protocol.md): in real browsers, a guest's snapshot waits until another
/// member's browser has checked it against the log, and only then replaces it.
/// </summary>
public class SnapshotReviewTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    /// <summary>Who sent the snapshot that waits, and what it covers.</summary>
    static async Task<string> WaitingAsync(ParleyServerProcess server) => Convert.ToString(
        await server.Database.ScalarAsync("""SELECT "SenderId" || ' up to ' || "UpToSeq" FROM "PendingSnapshots" """)) ?? "(none)";

    static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, int timeoutMs = 30_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for: {what}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_guests_snapshot_waits_for_another_members_browser_to_check_it_and_then_compacts_the_log()
    {
        var server = await ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["Parley__SnapshotEveryUpdates"] = "20",
            ["Parley__Hub__MaxConnectionsPerAddress"] = "100000",
        });
        try
        {
            var alice = await RoomPage.StartSessionAsync(await Fixture.NewPersonAsync(server.BaseUri));
            var bob = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(server.BaseUri), alice.Page.Url);
            var carol = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(server.BaseUri), alice.Page.Url);

            // Bob (a guest, not the creator) types past the snapshot threshold: his browser uploads one.
            // Plain words: Monaco would close brackets and indent on its own. Each word waits until
            // Carol has it, so each is at least one stored update (keys typed while a push is on its
            // way go out together: on a loaded machine a sentence can be a few updates), and he stops
            // once his browser has offered a snapshot.
            await bob.TypeAtEndAsync("notes for the review");
            for (var word = 1; await server.Database.CountAsync("""SELECT COUNT(*) FROM "PendingSnapshots" """) == 0; word++)
            {
                Assert.True(word <= 60, "Bob's browser never offered a snapshot");
                await bob.TypeAtEndAsync($" w{word}");
                await carol.WaitForCodeAsync(c => c.EndsWith($" w{word}"), $"Bob's word {word} at Carol");
            }
            // The server holds it pending: joiners still get the whole log. (Read from the server's
            // database: a .NET observer would need a browser to grant it the key first.)
            await PollAsync(() => server.Database.CountAsync("""SELECT COUNT(*) FROM "PendingSnapshots" """), n => n == 1, "Bob's snapshot to wait");
            var firstPending = await WaitingAsync(server);
            Assert.Equal(0, await server.Database.CountAsync("""SELECT COUNT(*) FROM "DocSnapshots" """));

            // Carol types: her push is asked to check Bob's snapshot; her browser checks and confirms it.
            await carol.TypeAtEndAsync(" reviewed by carol");
            try
            {
                await PollAsync(() => server.Database.CountAsync("""SELECT COUNT(*) FROM "PendingSnapshots" """), n => n == 0, "the snapshot to be confirmed");
            }
            catch (TimeoutException e)
            {
                // Whose snapshot still waits tells why: Bob's (Carol was not asked, or her confirmation missed)
                // or a new one of Carol's (her check failed, so she offered her own).
                var waiting = await WaitingAsync(server);
                throw new TimeoutException($"{e.Message}; still waiting: {waiting}; first member's snapshot: {firstPending}", e);
            }
            var covered = await server.Database.CountAsync("""SELECT "UpToSeq" FROM "DocSnapshots" """);
            Assert.True(covered >= 20, $"the confirmed snapshot covers the log (up to {covered})");
            Assert.Equal(0, await server.Database.CountAsync("""SELECT COUNT(*) FROM "DocUpdates" WHERE "Seq" <= @p0""", covered));

            // And the code a newcomer's browser rebuilds from it is everyone's code.
            var code = await carol.CopyAllCodeAsync(); // she typed last, after seeing all of Bob's
            var erin = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(server.BaseUri), alice.Page.Url);
            await erin.WaitForCodeAsync(c => c == code, "the newcomer to read the whole code");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
