using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client;
using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>Bad input gets a clear error and changes nothing.</summary>
public class RefusalTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    async Task<long> StoredUpdateCount(TestRoom room)
    {
        var (probe, catchup) = await fixture.JoinAsync(room);
        await probe.DisposeAsync();
        return catchup.Updates.Count;
    }

    [Fact]
    public async Task Joining_a_room_that_does_not_exist_is_refused()
    {
        var (_, secret) = await fixture.NewRoomAsync();
        var error = await Assert.ThrowsAsync<HubException>(() =>
            RoomSession.JoinAsync(fixture.Server.BaseUri, "NoSuchRoomAAAAAAAAAAAA", secret));
        Assert.Equal(RefusalCode.RoomUnknown, error.RefusalCode());
    }

    [Fact]
    public async Task Outsider_without_the_link_secret_cannot_join()
    {
        var (roomId, _) = await fixture.NewRoomAsync();
        var error = await Assert.ThrowsAsync<HubException>(() =>
            RoomSession.JoinAsync(fixture.Server.BaseUri, roomId, RoomSecrets.NewLinkSecret()));
        Assert.Equal(RefusalCode.JoinKeyInvalid, error.RefusalCode());
    }

    [Fact]
    public async Task Connection_that_has_not_joined_cannot_push_or_read()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        await alice.PushUpdateAsync(Text("secret work"));
        await using var outsider = RoomSession.Connect(fixture.Server.BaseUri);
        await outsider.StartAsync();
        var envelope = alice.Encrypt(EnvelopeKind.DocUpdate, Text("injected"));

        foreach (var call in new Func<Task>[]
                 {
                     () => outsider.InvokeAsync<PushResult>(HubNames.PushDocUpdate, room.RoomId, envelope),
                     () => outsider.InvokeAsync<UpdatePage>(HubNames.FetchUpdates, room.RoomId, 0L),
                     () => outsider.InvokeAsync(HubNames.PushSnapshot, room.RoomId, 1L, envelope),
                     () => outsider.InvokeAsync(HubNames.PushAwareness, room.RoomId, envelope),
                 })
            Assert.Equal(RefusalCode.NotMember, (await Assert.ThrowsAsync<HubException>(call)).RefusalCode());
        Assert.Equal(1, await StoredUpdateCount(room));
    }

    [Fact]
    public async Task Oversize_envelope_is_refused_before_storage()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        var tooBig = alice.Encrypt(EnvelopeKind.DocUpdate, new byte[1024 * 1024]); // + 16-byte tag: over 1 MiB

        var error = await Assert.ThrowsAsync<HubException>(() => alice.PushUpdateAsync(new byte[1024 * 1024]));
        Assert.Equal(RefusalCode.EnvelopeTooLarge, error.RefusalCode());
        Assert.Equal(RefusalCode.EnvelopeTooLarge, (await Assert.ThrowsAsync<HubException>(() =>
            alice.Connection.InvokeAsync(HubNames.PushSnapshot, room.RoomId, 1L, tooBig))).RefusalCode());
        Assert.Equal(0, await StoredUpdateCount(room));
        var fits = await alice.PushUpdateAsync(new byte[1024 * 1024 - 16]);
        Assert.Equal(1, fits.Seq);
    }

    [Fact]
    public async Task Malformed_envelopes_and_wrong_epochs_are_refused()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        var good = alice.Encrypt(EnvelopeKind.DocUpdate, Text("ok"));

        async Task<RefusalCode?> Push(Envelope? e) => (await Assert.ThrowsAsync<HubException>(() =>
            alice.Connection.InvokeAsync<PushResult>(HubNames.PushDocUpdate, room.RoomId, e))).RefusalCode();

        Assert.Equal(RefusalCode.EnvelopeMalformed, await Push(good with { Iv = new byte[5] }));
        Assert.Equal(RefusalCode.EnvelopeMalformed, await Push(good with { Ciphertext = new byte[3] }));
        Assert.Equal(RefusalCode.ArgumentInvalid, await Push(null));
        Assert.Equal(RefusalCode.EpochStale, await Push(good with { Epoch = 1 }));
        Assert.Equal(RefusalCode.SequenceInvalid, (await Assert.ThrowsAsync<HubException>(() =>
            alice.PushSnapshotAsync(5, Text("covers updates that do not exist")))).RefusalCode());
        Assert.Equal(0, await StoredUpdateCount(room));
    }

    [Fact]
    public async Task Envelope_replayed_into_another_room_or_under_another_sender_is_rejected_by_the_members()
    {
        var roomA = await fixture.NewRoomAsync();
        var roomB = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(roomA);
        var (mallory, _) = await fixture.JoinAsync(roomA);
        var (bob, _) = await fixture.JoinAsync(roomA);
        await using var _a = alice;
        await using var _m = mallory;
        await using var _b = bob;
        var rejected = new List<StoredUpdate>();
        var accepted = new List<DocEntry>();
        bob.UndecryptableReceived += u => { lock (rejected) rejected.Add(u); };
        bob.UpdateReceived += e => { lock (accepted) accepted.Add(e); };

        // Mallory re-sends Alice's envelope as her own: the sender in the associated data no longer matches.
        var alices = alice.Encrypt(EnvelopeKind.DocUpdate, Text("alice's words"));
        await mallory.Connection.InvokeAsync<PushResult>(HubNames.PushDocUpdate, roomA.RoomId, alices);
        // An envelope made for room B arrives in room A.
        var (inB, _) = await fixture.JoinAsync(roomB);
        await using var _inB = inB;
        await inB.Connection.InvokeAsync<PushResult>(HubNames.PushDocUpdate, roomB.RoomId, inB.Encrypt(EnvelopeKind.DocUpdate, Text("b")));
        await mallory.Connection.InvokeAsync<PushResult>(HubNames.PushDocUpdate, roomA.RoomId,
            EnvelopeCipher.Encrypt(alice.Keys.KeyFor(alice.Epoch), new EnvelopeContext(roomB.RoomId, EnvelopeKind.DocUpdate, alice.Epoch, mallory.MemberId), Text("x")));

        await Eventually.True(() => { lock (rejected) return rejected.Count == 2; }, "bob rejected both envelopes");
        Assert.Empty(accepted);
    }

    [Fact]
    public async Task Room_creation_needs_a_well_formed_join_verifier()
    {
        using var http = fixture.Server.CreateHttpClient();
        foreach (var body in new object[] { new { }, new { joinVerifier = "not base64!!" }, new { joinVerifier = Base64Url.Encode(new byte[16]) } })
        {
            using var response = await http.PostAsJsonAsync("/api/rooms", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("joinVerifier", await response.Content.ReadAsStringAsync());
        }
        using var unknown = await http.GetAsync("/api/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Healthy", await http.GetStringAsync("/healthz"));
    }

    [Fact]
    public async Task Creating_rooms_too_fast_from_one_address_is_refused_with_429()
    {
        await using var server = await ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["Parley__RoomsPerMinute"] = "3",
        });
        using var http = server.CreateHttpClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await http.PostAsJsonAsync("/api/rooms",
                new { joinVerifier = RoomSecrets.FromLinkSecret(RoomSecrets.NewLinkSecret()).JoinVerifier });
            statuses.Add(response.StatusCode);
        }
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created,
            HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task A_connection_that_floods_the_hub_is_slowed_down_and_its_refused_calls_store_nothing()
    {
        await using var server = await ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["Parley__HubCallsPerSecond"] = "10",
        });
        using var http = server.CreateHttpClient();
        var room = await RoomSession.CreateRoomAsync(http);
        var (roomId, secret) = room;
        var (alice, _) = await RoomSession.JoinAsCreatorAsync(server.BaseUri, room);
        await using var _a = alice;

        // Sixty calls at once, each its own invocation (PushUpdateAsync would pipeline them into a few calls).
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
        {
            try
            {
                await alice.Connection.InvokeAsync<PushResult>(HubNames.PushDocUpdate, roomId, alice.Encrypt(EnvelopeKind.DocUpdate, Text($"{i}")));
                return "stored";
            }
            catch (HubException e) when (e.RefusalCode() == RefusalCode.RateLimited) { return "refused"; }
        }));

        var stored = outcomes.Count(o => o == "stored");
        Assert.InRange(stored, 10, 40);
        Assert.Equal(60 - stored, outcomes.Count(o => o == "refused"));
        var (bob, catchup) = await RoomSession.JoinAsync(server.BaseUri, roomId, secret);
        await using var _b = bob;
        Assert.Equal(stored, catchup.Updates.Count);
    }
}
