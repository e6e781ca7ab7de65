using Parley.Client.Sessions;
using Parley.Testing;

namespace Parley.E2E;

/// <summary>
/// Vandal snapshots (docs/protocol.md): in real browsers, a guest's snapshot waits until another
/// member's browser has checked it against the log, and only then replaces it.
/// </summary>
public class SnapshotReviewTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
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
            var alice = await RoomPage.StartSessionAsync(await fixture.NewPersonAsync(server.BaseUri));
            var link = new Uri(alice.Page.Url);
            var bob = await RoomPage.OpenAsync(await fixture.NewPersonAsync(server.BaseUri), alice.Page.Url);
            var carol = await RoomPage.OpenAsync(await fixture.NewPersonAsync(server.BaseUri), alice.Page.Url);
            var roomId = link.AbsolutePath.Split('/')[^1];
            var secret = link.Fragment.TrimStart('#');

            // Bob (a guest, not the creator) types past the snapshot threshold: his browser uploads one.
            // Plain words: Monaco would close brackets and indent on its own. One update per key, far more than twenty.
            await bob.TypeAtEndAsync("notes for the review one two three four five six seven eight nine ten");
            await carol.WaitForCodeAsync(c => c.EndsWith("nine ten"), "Bob's code at Carol");
            await using (var early = (await RoomSession.JoinAsync(server.BaseUri, roomId, secret)).Session)
            {
                var pending = await PollAsync(() => early.FetchPendingSnapshotAsync(), p => p is not null, "Bob's snapshot to wait");
                Assert.Null(pending!.Confirmed); // nobody has checked it yet: joiners still get the whole log
            }

            // Carol types: her push is asked to check Bob's snapshot; her browser checks and confirms it.
            await carol.TypeAtEndAsync(" reviewed by carol");
            await using var late = (await RoomSession.JoinAsync(server.BaseUri, roomId, secret)).Session;
            await PollAsync(() => late.FetchPendingSnapshotAsync(), p => p is null, "the snapshot to be confirmed");
            var (dave, catchup) = await RoomSession.JoinAsync(server.BaseUri, roomId, secret);
            await using var _ = dave;
            Assert.NotNull(catchup.Snapshot);
            Assert.True(catchup.Snapshot!.Seq >= 20, $"the confirmed snapshot covers the log (up to {catchup.Snapshot.Seq})");

            // And the code a newcomer's browser rebuilds from it is everyone's code.
            var code = await carol.CopyAllCodeAsync(); // she typed last, after seeing all of Bob's
            var erin = await RoomPage.OpenAsync(await fixture.NewPersonAsync(server.BaseUri), alice.Page.Url);
            await erin.WaitForCodeAsync(c => c == code, "the newcomer to read the whole code");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
