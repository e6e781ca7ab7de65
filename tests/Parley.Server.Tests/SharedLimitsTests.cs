using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.SignalR;
using Parley.Client;
using Parley.Client.Accounts;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>
/// Two nodes behind one Redis and one database (a shared SQLite file here; one PostgreSQL database
/// under PARLEY_TEST_POSTGRES): every security limit counts across both, so a guesser gains
/// nothing by spreading over the nodes.
/// </summary>
public class SharedLimitsTests(SharedLimitsTests.TwoNodes nodes) : IClassFixture<SharedLimitsTests.TwoNodes>
{
    public sealed class TwoNodes : IAsyncLifetime
    {
        public const string LockAfter = "3";
        public const int RoomsPerMinute = 4;
        readonly string dataDirectory = Directory.CreateTempSubdirectory("parley-shared-").FullName;

        public RedisServerProcess Redis { get; private set; } = null!;
        public ParleyServerProcess A { get; private set; } = null!;
        public ParleyServerProcess B { get; private set; } = null!;

        public static Dictionary<string, string> SettingsFor(RedisServerProcess redis) => new()
        {
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
            ["Parley__Captcha__Enabled"] = "true",
            ["Parley__Captcha__Difficulty"] = "4",
            ["Parley__RoomsPerMinute"] = RoomsPerMinute.ToString(),
            ["Parley__SignIn__PerAddressPerMinute"] = "1000",
            ["Parley__SignIn__PerAccountPerMinute"] = "1000",
            ["Parley__SignIn__LockAfterFailures"] = LockAfter,
            ["Parley__PasswordFreeTries"] = "2",
            // A first wait long enough that no slow machine sees it end in the middle of a test.
            ["Parley__PasswordBackoff"] = "00:00:30",
            ["Parley__Policy__GuestsMayProtectRooms"] = "true",
        };

        public async Task InitializeAsync()
        {
            Redis = await RedisServerProcess.StartAsync();
            A = await ParleyServerProcess.StartAsync(dataDirectory, SettingsFor(Redis));
            // A makes the Data Protection key ring (in the database) before B starts and reads it.
            using (var http = A.CreateHttpClient()) (await http.GetAsync("/api/account")).EnsureSuccessStatusCode();
            B = await ParleyServerProcess.StartAsync(dataDirectory, SettingsFor(Redis));
        }

        public async Task DisposeAsync()
        {
            await B.DisposeAsync();
            await A.DisposeAsync();
            await Redis.DisposeAsync();
            await A.Database.DropAsync();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    const string RoomPassword = "correct horse battery";

    /// <summary>An HTTP client whose connections come from <paramref name="address"/> (127.0.0.x), as another client would.</summary>
    static HttpClient From(ParleyServerProcess server, string address) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    }) { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(30) };

    static async Task<HttpRefusalException> Refused(Task task) => await Assert.ThrowsAsync<HttpRefusalException>(() => task);

    [Fact]
    public async Task A_user_name_locked_on_one_node_is_locked_on_the_other()
    {
        var name = AccountTests.NewUserName();
        using (var owner = new AccountClient(nodes.A.BaseUri)) await owner.RegisterAsync(name, AccountTests.Password);
        using var onA = new AccountClient(nodes.A.BaseUri);
        for (var i = 0; i < int.Parse(TwoNodes.LockAfter); i++)
            Assert.Equal(RefusalCode.SignInFailed, (await Refused(onA.SignInAsync(name, $"wrong guess {i}"))).Code);

        using var onB = new AccountClient(nodes.B.BaseUri);
        var locked = await Refused(onB.SignInAsync(name, AccountTests.Password));
        Assert.Equal(RefusalCode.AccountLocked, locked.Code);
        // A name nobody has locks across the nodes the same way.
        var unknown = AccountTests.NewUserName();
        for (var i = 0; i < int.Parse(TwoNodes.LockAfter); i++)
            await Refused((i % 2 == 0 ? onB : onA).SignInAsync(unknown, "a guess"));
        Assert.Equal(RefusalCode.AccountLocked, (await Refused(onA.SignInAsync(unknown, "a guess"))).Code);
    }

    [Fact]
    public async Task A_captcha_solution_used_on_one_node_is_refused_on_the_other()
    {
        using var onA = new AccountClient(nodes.A.BaseUri);
        await onA.RefreshAsync();
        var solution = await AccountClient.SolveCaptchaAsync(onA.Http);
        using (var first = await onA.Http.PostAsJsonAsync("/api/account/register",
                   new AccountCredentials(AccountTests.NewUserName(), AccountTests.Password, solution)))
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var onB = new AccountClient(nodes.B.BaseUri);
        await onB.RefreshAsync();
        using var again = await onB.Http.PostAsJsonAsync("/api/account/register",
            new AccountCredentials(AccountTests.NewUserName(), AccountTests.Password, solution));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("already used", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Room_creations_from_one_address_are_counted_across_the_nodes()
    {
        const string address = "127.0.0.7";
        using var a = From(nodes.A, address);
        using var b = From(nodes.B, address);
        for (var i = 0; i < TwoNodes.RoomsPerMinute; i++)
        {
            var http = i % 2 == 0 ? a : b;
            await RoomSession.CreateRoomAsync(http, captcha: await AccountClient.SolveCaptchaAsync(http));
        }

        var refused = await Refused(RoomSession.CreateRoomAsync(a, captcha: await AccountClient.SolveCaptchaAsync(a)));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(RefusalCode.RateLimited, refused.Code);
        // Another address is not held back by this one.
        using var other = From(nodes.B, "127.0.0.8");
        await RoomSession.CreateRoomAsync(other, captcha: await AccountClient.SolveCaptchaAsync(other));
    }

    [Fact]
    public async Task Wrong_room_passwords_on_one_node_count_on_the_other()
    {
        using var http = From(nodes.A, "127.0.0.9");
        var room = await RoomSession.CreateRoomAsync(http, captcha: await AccountClient.SolveCaptchaAsync(http));
        var (creator, _) = await RoomSession.JoinAsync(nodes.A.BaseUri, room.RoomId, room.LinkSecret, creatorToken: room.CreatorToken);
        await using var _c = creator;
        await creator.SetRoomPasswordAsync(RoomPassword);

        Task<(RoomSession, Catchup)> Guess(ParleyServerProcess node, string password) => RoomSession.JoinAsync(node.BaseUri,
            room.RoomId, room.LinkSecret, password: password, localAddress: IPAddress.Parse("127.0.0.10"));
        // The free tries (2), one on each node: the second starts the wait, for both nodes.
        Assert.Equal(RefusalCode.PasswordWrong, (await Assert.ThrowsAsync<HubException>(() => Guess(nodes.A, "first guess"))).RefusalCode());
        Assert.Equal(RefusalCode.PasswordWrong, (await Assert.ThrowsAsync<HubException>(() => Guess(nodes.B, "second guess"))).RefusalCode());
        Assert.Equal(RefusalCode.PasswordAttempts, (await Assert.ThrowsAsync<HubException>(() => Guess(nodes.A, RoomPassword))).RefusalCode());
    }

    [Fact]
    public async Task Redis_holds_the_counts_under_expiring_keys_that_name_no_user_address_or_room()
    {
        var name = AccountTests.NewUserName();
        using var onA = new AccountClient(nodes.A.BaseUri);
        await Refused(onA.SignInAsync(name, "a guess"));
        using var http = From(nodes.B, "127.0.0.11");
        var room = await RoomSession.CreateRoomAsync(http, captcha: await AccountClient.SolveCaptchaAsync(http));

        var keys = RedisCli("--scan", "--pattern", "parley:limit*").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(keys, k => k.StartsWith("parley:limit:signin-name:", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith("parley:limit:room-creation:", StringComparison.Ordinal));
        foreach (var key in keys)
        {
            Assert.True(long.Parse(RedisCli("PTTL", key)) > 0, $"{key} expires");
            foreach (var plain in new[] { name, name.ToUpperInvariant(), "127.0.0", room.RoomId })
                Assert.DoesNotContain(plain, key);
        }
    }

    string RedisCli(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("redis-cli") { RedirectStandardOutput = true };
        foreach (var arg in new[] { "-p", nodes.Redis.Port.ToString() }.Concat(args)) start.ArgumentList.Add(arg);
        using var cli = System.Diagnostics.Process.Start(start)!;
        var output = cli.StandardOutput.ReadToEnd();
        Assert.True(cli.WaitForExit(10_000), "redis-cli answers");
        return output.Trim();
    }

    [Fact]
    public async Task While_Redis_is_unreachable_the_limited_calls_are_refused_as_server_unavailable()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var node = await ParleyServerProcess.StartAsync(settings: TwoNodes.SettingsFor(redis));
        using var client = new AccountClient(node.BaseUri);
        Assert.Equal(RefusalCode.SignInFailed, (await Refused(client.SignInAsync(AccountTests.NewUserName(), "a guess"))).Code);

        await redis.StopAsync();
        var signIn = await Refused(client.SignInAsync(AccountTests.NewUserName(), "a guess"));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, RefusalCode.ServerUnavailable), (signIn.StatusCode, signIn.Code));
        using var http = node.CreateHttpClient();
        var creation = await Refused(RoomSession.CreateRoomAsync(http, captcha: await AccountClient.SolveCaptchaAsync(http)));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, RefusalCode.ServerUnavailable), (creation.StatusCode, creation.Code));

        await redis.RestartAsync();
        await Eventually.TrueAsync(async () =>
        {
            try { await client.SignInAsync(AccountTests.NewUserName(), "a guess"); }
            catch (HttpRefusalException e) { return e.Code == RefusalCode.SignInFailed; }
            return false;
        }, "sign-ins to be checked again once Redis is back", 30_000);
    }
}
