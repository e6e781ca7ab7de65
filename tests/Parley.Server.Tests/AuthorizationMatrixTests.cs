using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client;
using Parley.Client.Accounts;
using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Server.Realtime;
using Parley.Server.Rooms;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>Every hub method and file endpoint, called by every kind of caller, with the outcome each must get.</summary>
public class AuthorizationMatrixTests(ServerFixture fixture, AccountsFixture accounts)
    : IClassFixture<ServerFixture>, IClassFixture<AccountsFixture>
{
    public enum Role { Creator, Member, Outsider, KickedMember }

    const string Ok = "ok";

    /// <summary>The hub's methods, read from RoomHub itself: a new method joins the matrix (and needs a case in <see cref="Call"/>).</summary>
    static readonly MethodInfo[] HubMethods = typeof(RoomHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType == typeof(RoomHub)).ToArray();

    static RoomAccessAttribute[] AccessOf(MethodInfo method) => method.GetCustomAttributes<RoomAccessAttribute>().ToArray();

    static readonly string[] Methods = HubMethods.Where(m => AccessOf(m) is not [AnyoneAttribute]).Select(m => m.Name).Order().ToArray();

    static readonly string[] CreatorOnlyMethods = HubMethods.Where(m => AccessOf(m) is [RoomCreatorAttribute]).Select(m => m.Name).ToArray();

    static string Expected(Role role, string method) => role switch
    {
        // Authorized, but nobody is waiting in the lobby of the scene's room; and the creator ends a room, never leaves it.
        Role.Creator => method switch
        {
            HubNames.DecideJoin => RefusalCode.NotWaiting.Wire(),
            HubNames.LeaveRoom => RefusalCode.CreatorCannotLeave.Wire(),
            _ => Ok,
        },
        Role.Member => CreatorOnlyMethods.Contains(method) ? RefusalCode.NotCreator.Wire() : Ok,
        Role.Outsider => RefusalCode.NotMember.Wire(),
        _ => RefusalCode.MemberRemoved.Wire(),
    };

    [Fact]
    public void Every_hub_method_says_who_may_call_it_with_exactly_one_attribute()
    {
        Assert.NotEmpty(HubMethods);
        foreach (var method in HubMethods) Assert.True(AccessOf(method).Length == 1, $"{method.Name} needs exactly one room access attribute.");
        Assert.Equal([HubNames.JoinRoom], HubMethods.Where(m => AccessOf(m) is [AnyoneAttribute]).Select(m => m.Name));
        // Each is a name of the wire, so the clients can call it.
        Assert.All(HubMethods, m => Assert.Equal(m.Name, typeof(HubNames).GetField(m.Name)?.GetValue(null)));
    }

    public static TheoryData<Role, string, string> HubCases()
    {
        var data = new TheoryData<Role, string, string>();
        foreach (var role in Enum.GetValues<Role>())
        foreach (var method in Methods)
            data.Add(role, method, Expected(role, method));
        return data;
    }

    /// <param name="EntryId">A folder of the room's file manager, made by the creator.</param>
    /// <param name="Closes">Each of the scene's connections that closed before the scene ended, and why.</param>
    sealed record Scene(NewRoom Room, RoomSession Creator, RoomSession Member, RoomSession Spare, HubConnection Caller,
        RoomSession Acting, string EntryId, ConcurrentQueue<string> Closes) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var s in new[] { Creator, Member, Spare }) await s.DisposeAsync();
            await Caller.DisposeAsync();
        }
    }

    async Task<Scene> SceneAsync(Role role)
    {
        var room = await fixture.NewRoomWithCreatorTokenAsync();
        var server = fixture.Server.BaseUri;
        var (creator, _) = await RoomSession.JoinAsync(server, room.RoomId, room.LinkSecret, creatorToken: room.CreatorToken);
        var (member, _) = await RoomSession.JoinAsync(server, room.RoomId, room.LinkSecret);
        var (spare, _) = await RoomSession.JoinAsync(server, room.RoomId, room.LinkSecret);
        await creator.PushUpdateAsync(Encoding.UTF8.GetBytes("first"));
        var folder = await creator.Connection.InvokeAsync<Entry>(HubNames.PutEntry, room.RoomId,
            new EntryWrite(null, null, creator.Encrypt(EnvelopeKind.FileMeta, Encoding.UTF8.GetBytes("{}")), 0));
        var outsider = RoomSession.Connect(server);
        await outsider.StartAsync();
        // No connection of the scene should close while it plays; if one does, the failure says which and why.
        var closes = new ConcurrentQueue<string>();
        foreach (var (name, connection) in new[] { ("creator", creator.Connection), ("member", member.Connection), ("spare", spare.Connection), ("outsider", outsider) })
            connection.Closed += e => { closes.Enqueue($"{name}'s connection closed at {DateTime.UtcNow:HH:mm:ss.fff}: {e?.Message ?? "no error"}"); return Task.CompletedTask; };
        if (role == Role.KickedMember) await creator.KickAsync(member.MemberId);
        var acting = role == Role.Creator ? creator : member;
        var caller = role switch { Role.Creator => creator.Connection, Role.Outsider => outsider, _ => member.Connection };
        return new Scene(room, creator, member, spare, caller, acting, folder.EntryId, closes);
    }

    static Task Call(Scene s, string method)
    {
        var roomId = s.Room.RoomId;
        // Envelopes made with the real key by a member: only authorization can stop them.
        var envelope = s.Acting.Encrypt(EnvelopeKind.DocUpdate, Encoding.UTF8.GetBytes("x"));
        var meta = s.Acting.Encrypt(EnvelopeKind.FileMeta, Encoding.UTF8.GetBytes("{}"));
        return method switch
        {
            HubNames.FetchUpdates => s.Caller.InvokeAsync<UpdatePage>(method, roomId, 0L),
            HubNames.PushDocUpdate => s.Caller.InvokeAsync<PushResult>(method, roomId, envelope),
            HubNames.PushDocUpdates => s.Caller.InvokeAsync<PushResult>(method, roomId, new[] { envelope, envelope }),
            HubNames.PushSnapshot => s.Caller.InvokeAsync(method, roomId, 1L, envelope),
            HubNames.FetchPendingSnapshot => s.Caller.InvokeAsync<PendingSnapshot?>(method, roomId),
            // Names no waiting snapshot: authorized, it changes nothing (VandalSnapshotTests holds what it does).
            HubNames.ConfirmSnapshot => s.Caller.InvokeAsync<bool>(method, roomId, 1L, s.Spare.MemberId, new byte[32]),
            HubNames.PushAwareness => s.Caller.InvokeAsync(method, roomId, envelope),
            HubNames.SendChat => s.Caller.InvokeAsync<ChatAck>(method, roomId, "m1", envelope),
            HubNames.ChatHistory => s.Caller.InvokeAsync<ChatPage>(method, roomId, 0L, 10),
            HubNames.ChatSince => s.Caller.InvokeAsync<ChatPage>(method, roomId, 0L, 10),
            HubNames.SetTyping => s.Caller.InvokeAsync(method, roomId, true),
            HubNames.Kick => s.Caller.InvokeAsync(method, roomId, s.Spare.MemberId),
            HubNames.SetRoomPassword => s.Caller.InvokeAsync(method, roomId, "a long enough password"),
            HubNames.SetLobby => s.Caller.InvokeAsync(method, roomId, true),
            HubNames.DecideJoin => s.Caller.InvokeAsync(method, roomId, s.Spare.MemberId, true),
            HubNames.Terminate => s.Caller.InvokeAsync(method, roomId),
            // Grants and rotations made with the acting member's real keys and device.
            HubNames.GrantKeys => s.Caller.InvokeAsync<int>(method, roomId, new[]
            {
                KeyGrants.Make(s.Acting.Keys.Device, s.Acting.MemberId, roomId, s.Acting.Epoch,
                    s.Acting.Keys.Directory.Single(m => m.MemberId == s.Spare.MemberId), s.Acting.Keys.KeyFor(s.Acting.Epoch)),
            }),
            HubNames.RotateKey => s.Caller.InvokeAsync(method, roomId, s.Acting.Keys.Rotate(renewLink: false).Rotation),
            HubNames.SetRoomMeta => s.Caller.InvokeAsync(method, roomId, s.Acting.Keys.SealMeta("a name")),
            HubNames.SetHistoryVisible => s.Caller.InvokeAsync(method, roomId, false),
            HubNames.LeaveRoom => s.Caller.InvokeAsync(method, roomId),
            HubNames.ListEntries => s.Caller.InvokeAsync<EntryPage>(method, roomId, null, 10),
            HubNames.PutEntry => s.Caller.InvokeAsync<Entry>(method, roomId, new EntryWrite(null, null, meta, 0)),
            HubNames.DeleteEntries => s.Caller.InvokeAsync<int>(method, roomId, new[] { s.EntryId }),
            HubNames.ActivityLog => s.Caller.InvokeAsync<ActivityPage>(method, roomId, 0L, 10),
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };
    }

    [Theory, MemberData(nameof(HubCases))]
    public async Task Hub_method_called_by_role_has_the_expected_outcome(Role role, string method, string expected)
    {
        await using var scene = await SceneAsync(role);

        var outcome = Ok;
        try { await Call(scene, method); }
        catch (HubException e) { outcome = e.RefusalCode()?.Wire() ?? e.Message; }
        // The server closes a kicked member's connections half a second after telling them
        // (InProcessRoomConnections.CloseAfter). On a busy machine the call can reach the server after
        // that: it is then refused by the close itself, which must come. A call that got through
        // before the close still answers "ok" and fails the test.
        catch (Exception e) when (role == Role.KickedMember && e is OperationCanceledException or InvalidOperationException)
        {
            await Eventually.True(() => scene.Closes.Any(c => c.StartsWith("member's", StringComparison.Ordinal)), "the server to close the kicked member's connection");
            outcome = RefusalCode.MemberRemoved.Wire();
        }
        catch (InvalidOperationException e) when (!scene.Closes.IsEmpty)
        {
            throw new InvalidOperationException($"{e.Message} ({DateTime.UtcNow:HH:mm:ss.fff}) {string.Join("; ", scene.Closes)}", e);
        }

        Assert.Equal(expected, outcome);
        if (expected == Ok || expected == RefusalCode.NotWaiting.Wire()) return;
        // A refused call changed nothing: the room is there, open, no lobby, its one update and its one entry, the spare member in.
        var (probe, catchup) = await RoomSession.JoinAsync(fixture.Server.BaseUri, scene.Room.RoomId, scene.Room.LinkSecret,
            scene.Spare.Credentials);
        var entries = await probe.Connection.InvokeAsync<EntryPage>(HubNames.ListEntries, scene.Room.RoomId, null, 10);
        await probe.DisposeAsync();
        Assert.Single(catchup.Updates);
        Assert.Equal([scene.EntryId], entries.Entries.Select(e => e.EntryId));
        Assert.False(probe.PasswordProtected);
        Assert.False(probe.Lobby);
        Assert.True(probe.HistoryVisible);
        Assert.Null(probe.RoomName);
        Assert.Equal(scene.Creator.Epoch, probe.Epoch);
    }

    public enum HttpCaller { Uploader, OtherMember, KickedUploader, NoCredentials, MemberOfAnotherRoom }

    public static TheoryData<HttpCaller, string, HttpStatusCode> HttpCases()
    {
        var data = new TheoryData<HttpCaller, string, HttpStatusCode>();
        var uploaderOnly = new[] { "PUT chunk", "POST complete", "DELETE" };
        foreach (var endpoint in new[] { "POST create", "GET status", "PUT chunk", "POST complete", "GET content", "DELETE" })
        foreach (var caller in Enum.GetValues<HttpCaller>())
        {
            var expected = caller switch
            {
                HttpCaller.Uploader => endpoint switch
                {
                    "POST create" => HttpStatusCode.Created,
                    "GET status" => HttpStatusCode.OK,
                    "GET content" => HttpStatusCode.Conflict, // not complete yet
                    _ => HttpStatusCode.NoContent,
                },
                HttpCaller.OtherMember => endpoint switch
                {
                    "POST create" => HttpStatusCode.Created,
                    "GET status" => HttpStatusCode.OK,
                    "GET content" => HttpStatusCode.Conflict,
                    _ when uploaderOnly.Contains(endpoint) => HttpStatusCode.NotFound,
                    _ => HttpStatusCode.OK,
                },
                _ => HttpStatusCode.NotFound,
            };
            data.Add(caller, endpoint, expected);
        }
        return data;
    }

    [Theory, MemberData(nameof(HttpCases))]
    public async Task File_endpoint_called_by_caller_has_the_expected_status(HttpCaller caller, string endpoint, HttpStatusCode expected)
    {
        var room = await fixture.NewRoomWithCreatorTokenAsync();
        var other = await fixture.NewRoomWithCreatorTokenAsync();
        var server = fixture.Server.BaseUri;
        var (creator, _) = await RoomSession.JoinAsync(server, room.RoomId, room.LinkSecret, creatorToken: room.CreatorToken);
        var (uploader, _) = await RoomSession.JoinAsync(server, room.RoomId, room.LinkSecret);
        var (member, _) = await RoomSession.JoinAsync(server, room.RoomId, room.LinkSecret);
        var (stranger, _) = await RoomSession.JoinAsCreatorAsync(server, other);
        await using var _c = creator; await using var _u = uploader; await using var _m = member; await using var _s = stranger;
        using var http = fixture.Server.CreateHttpClient();
        // A one-chunk file, its chunk not yet sent (when completing, the chunk is sent first).
        var file = await uploader.Files(http).CreateAsync(100);
        if (endpoint == "POST complete") await uploader.Files(http).UploadChunksAsync(file, new Parley.Testing.GeneratedContent(100, 1));
        if (caller == HttpCaller.KickedUploader) await creator.KickAsync(uploader.MemberId);
        var credentials = caller switch
        {
            HttpCaller.Uploader or HttpCaller.KickedUploader => uploader.Credentials,
            HttpCaller.OtherMember => member.Credentials,
            HttpCaller.MemberOfAnotherRoom => stranger.Credentials,
            _ => null,
        };

        var (method, path) = endpoint switch
        {
            "POST create" => (HttpMethod.Post, ""),
            "GET status" => (HttpMethod.Get, $"/{file.FileId}"),
            "PUT chunk" => (HttpMethod.Put, $"/{file.FileId}/chunks/0"),
            "POST complete" => (HttpMethod.Post, $"/{file.FileId}/complete"),
            "GET content" => (HttpMethod.Get, $"/{file.FileId}/content"),
            _ => (HttpMethod.Delete, $"/{file.FileId}"),
        };
        using var request = new HttpRequestMessage(method, $"/api/rooms/{room.RoomId}/files{path}");
        if (credentials is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("ParleyMember",
                $"{credentials.MemberId}:{Base64Url.Encode(credentials.MemberToken)}");
        if (endpoint == "POST create") request.Content = System.Net.Http.Json.JsonContent.Create(new { size = 10 });
        if (endpoint == "PUT chunk") request.Content = new ByteArrayContent(new byte[100 + FileLayout.TagBytes]);
        using var response = await http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    public enum Account { Guest, SignedIn }

    /// <summary>What the default policy keeps for signed-in people (AccountsFixture: captcha on, default policy).</summary>
    [Theory]
    [InlineData(Account.Guest, "POST files", "403 sign-in-to-share-files")]
    [InlineData(Account.SignedIn, "POST files", "201")]
    [InlineData(Account.Guest, HubNames.SetRoomPassword, "sign-in-to-protect-room")]
    [InlineData(Account.SignedIn, HubNames.SetRoomPassword, Ok)]
    [InlineData(Account.Guest, HubNames.PutEntry, "sign-in-to-share-files")]
    [InlineData(Account.SignedIn, HubNames.PutEntry, Ok)]
    [InlineData(Account.Guest, HubNames.DeleteEntries, "sign-in-to-share-files")]
    [InlineData(Account.SignedIn, HubNames.DeleteEntries, Ok)]
    [InlineData(Account.Guest, HubNames.SetRoomMeta, "sign-in-to-name-room")]
    [InlineData(Account.SignedIn, HubNames.SetRoomMeta, Ok)]
    [InlineData(Account.Guest, HubNames.ListEntries, Ok)]
    public async Task Guest_or_signed_in_creator_has_the_expected_outcome(Account account, string action, string expected)
    {
        var server = accounts.Server.BaseUri;
        using var person = new AccountClient(server);
        if (account == Account.SignedIn) await person.RegisterAsync(AccountTests.NewUserName(), AccountTests.Password);
        var room = await person.CreateRoomAsync(); // a guest solves the captcha
        var (creator, _) = await RoomSession.JoinAsync(server, room.RoomId, room.LinkSecret, creatorToken: room.CreatorToken,
            cookies: person.Cookies);
        await using var _c = creator;
        Assert.Equal(account == Account.SignedIn, creator.Abilities is { ShareFiles: true, ProtectRoom: true, NameRoom: true });
        using var http = accounts.Server.CreateHttpClient();

        Assert.Equal(expected, await AttemptAsync(creator, http, action));
        if (expected is Ok or "201") return;
        // Refused, and nothing changed: no file, no entry, no name, and the room still lets a newcomer in without a password.
        var (probe, _) = await RoomSession.JoinAsync(server, room.RoomId, room.LinkSecret);
        await probe.DisposeAsync();
        Assert.False(probe.PasswordProtected);
        Assert.Null(probe.RoomName);
        Assert.Equal(0, await accounts.CountRowsAsync("Files", room.RoomId));
        Assert.Equal(0, await accounts.CountRowsAsync("Entries", room.RoomId));
    }

    static async Task<string> AttemptAsync(RoomSession creator, HttpClient http, string action)
    {
        try
        {
            var files = creator.RoomFiles(http);
            switch (action)
            {
                case HubNames.SetRoomPassword: await creator.SetRoomPasswordAsync("a long enough password"); return Ok;
                case HubNames.SetRoomMeta: await creator.SetRoomNameAsync("Friday pairing"); return Ok;
                case HubNames.PutEntry: await files.CreateFolderAsync(["docs"]); return Ok;
                case HubNames.DeleteEntries: await files.DeleteAsync(["NoSuchEntryAAAAAAAAAAA"]); return Ok;
                case HubNames.ListEntries: await files.ListAllAsync(); return Ok;
                default: await creator.Files(http).CreateAsync(10); return "201";
            }
        }
        catch (HubException e) { return e.RefusalCode()?.Wire() ?? e.Message; }
        catch (HttpRefusalException e) { return $"{(int)e.StatusCode!} {e.Code?.Wire()}"; }
    }
}
