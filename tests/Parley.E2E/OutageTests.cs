using Microsoft.Playwright;
using Parley.Testing;

namespace Parley.E2E;

public class OutageTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task Code_and_chat_typed_while_the_server_is_down_arrive_once_when_it_is_back_and_outlive_the_restart()
    {
        var data = Directory.CreateTempSubdirectory("parley-outage-").FullName;
        var server = await ParleyServerProcess.StartAsync(data);
        var port = server.BaseUri.Port;
        try
        {
            var alice = await RoomPage.StartSessionAsync(await Fixture.NewPersonAsync(server.BaseUri));
            var bob = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(server.BaseUri), alice.Page.Url);
            await alice.TypeAtEndAsync("before");
            await bob.WaitForCodeAsync(c => c == "before", "the first edit at bob");

            await server.StopAsync();
            await Assertions.Expect(alice.Page.GetByRole(AriaRole.Status)).Not.ToHaveTextAsync("Connected");
            await Assertions.Expect(bob.Page.GetByRole(AriaRole.Status)).Not.ToHaveTextAsync("Connected");
            await alice.TypeAtEndAsync(" alice offline");
            await bob.TypeAtEndAsync(" bob offline");
            await alice.SendMessageAsync("said while the server was down");
            await Assertions.Expect(alice.Message("said while the server was down")).ToContainTextAsync("sending");

            await server.DisposeAsync();
            server = await ParleyServerProcess.StartAsync(data, port: port);

            await alice.WaitForCodeAsync(c => c.Contains("alice offline") && c.Contains("bob offline"), "both offline edits at alice", 30_000);
            var merged = await alice.CopyAllCodeAsync();
            await bob.WaitForCodeAsync(c => c == merged, "bob to converge with alice", 30_000);
            // The message goes out once the connection is back, exactly once.
            await Assertions.Expect(alice.Message("said while the server was down")).ToContainTextAsync("sent", new() { Timeout = 30_000 });
            await Assertions.Expect(bob.Message("said while the server was down")).ToHaveCountAsync(1);
            var carol = await RoomPage.OpenAsync(await Fixture.NewPersonAsync(server.BaseUri), alice.Page.Url);
            await carol.WaitForCodeAsync(c => c == merged, "a newcomer after the restart to see everything");
            await Assertions.Expect(carol.Message("said while the server was down")).ToHaveCountAsync(1);
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }
}
