using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client;
using Parley.Client.Crypto;
using Parley.Client.Files;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>The server's edges under bad input: quiet refusals, checked arguments, origins, malformed frames, broken-off uploads.</summary>
public class HubEdgeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_refusal_is_logged_at_information_without_a_stack_trace()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;

        var refused = await Assert.ThrowsAsync<HubException>(() =>
            alice.Connection.InvokeAsync<UpdatePage>(HubNames.FetchUpdates, "no-such-room-at-all", 0L));

        Assert.Equal(RefusalCode.NotMember, refused.RefusalCode());
        await Eventually.True(() => fixture.Server.Log.Contains($"Refused FetchUpdates on connection"), "the refusal was logged");
        var lines = fixture.Server.Log.Split('\n');
        var at = Array.FindLastIndex(lines, l => l.Contains("Refused FetchUpdates on connection"));
        Assert.StartsWith("info:", lines[at - 1]);
        Assert.DoesNotContain(lines, l => l.StartsWith("fail:"));
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at Parley."));
    }

    [Fact]
    public async Task Null_arguments_are_refused_as_invalid()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;

        async Task<RefusalCode?> Refusal(Task call) => (await Assert.ThrowsAsync<HubException>(() => call)).RefusalCode();

        Assert.Equal(RefusalCode.ArgumentInvalid, await Refusal(alice.Connection.InvokeAsync<int>(HubNames.GrantKeys, room.RoomId, null)));
        Assert.Equal(RefusalCode.ArgumentInvalid, await Refusal(alice.Connection.InvokeAsync<int>(HubNames.GrantKeys, room.RoomId, new Grant?[] { null })));
        Assert.Equal(RefusalCode.ArgumentInvalid, await Refusal(alice.Connection.InvokeAsync<JoinResult>(HubNames.JoinRoom, (JoinRequest?)null)));
        Assert.Equal(RefusalCode.ArgumentInvalid, await Refusal(alice.Connection.InvokeAsync(HubNames.SetRoomMeta, room.RoomId, null)));
        Assert.Equal(RefusalCode.ArgumentInvalid, await Refusal(alice.Connection.InvokeAsync<ChatAck>(HubNames.SendChat, room.RoomId, null,
            alice.Encrypt(EnvelopeKind.DocUpdate, [1]))));
        // A null the signature allows is still fine: no password means an open room.
        await alice.Connection.InvokeAsync(HubNames.SetRoomPassword, room.RoomId, null);
    }

    [Fact]
    public async Task A_page_from_a_foreign_origin_cannot_open_the_hub()
    {
        using var http = fixture.Server.CreateHttpClient();
        async Task<(HttpStatusCode, RefusalCode?)> Negotiate(string? origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{HubNames.Path}/negotiate?negotiateVersion=1");
            if (origin is not null) request.Headers.Add("Origin", origin);
            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.RefusalCodeAsync());
        }

        Assert.Equal((HttpStatusCode.Forbidden, RefusalCode.OriginForbidden), await Negotiate("https://evil.example"));
        Assert.Equal((HttpStatusCode.OK, null), await Negotiate(fixture.Server.BaseUri.GetLeftPart(UriPartial.Authority)));
        Assert.Equal((HttpStatusCode.OK, null), await Negotiate(null));

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", "https://evil.example");
        var ws = new UriBuilder(fixture.Server.BaseUri) { Scheme = "ws", Path = HubNames.Path }.Uri;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(ws, CancellationToken.None));
    }

    [Fact]
    public async Task A_post_without_a_json_body_is_told_so()
    {
        using var http = fixture.Server.CreateHttpClient();
        using var response = await http.PostAsync("/api/rooms", null);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(new byte[] { 0x02, 0xC1, 0xC1 })] // 0xC1 is no MessagePack at all
    [InlineData(new byte[] { 0x02, 0x91, 0x63 })] // [99]: a message type SignalR does not have
    public async Task A_malformed_frame_closes_only_its_own_connection(byte[] frame)
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        await alice.PushUpdateAsync([1, 2, 3]);

        using var raw = new ClientWebSocket();
        await raw.ConnectAsync(new UriBuilder(fixture.Server.BaseUri) { Scheme = "ws", Path = HubNames.Path }.Uri, CancellationToken.None);
        await raw.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"messagepack\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[4096];
        var handshake = await raw.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal("{}\u001e", Encoding.UTF8.GetString(buffer, 0, handshake.Count));

        await raw.SendAsync(frame, WebSocketMessageType.Binary, true, CancellationToken.None);
        await ClosedAsync(raw, buffer).WaitAsync(HangGuard);

        var page = await alice.Connection.InvokeAsync<UpdatePage>(HubNames.FetchUpdates, room.RoomId, 0L).WaitAsync(HangGuard);
        Assert.Single(page.Updates);
    }

    /// <summary>Reads until the server closes the socket (a close frame, or the connection dropped).</summary>
    static async Task ClosedAsync(ClientWebSocket socket, byte[] buffer)
    {
        try
        {
            while ((await socket.ReceiveAsync(buffer, CancellationToken.None)).MessageType != WebSocketMessageType.Close) { }
        }
        catch (WebSocketException) { }
    }

    [Fact]
    public async Task An_upload_broken_off_by_the_client_is_a_warning_not_an_error()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        using var http = fixture.Server.CreateHttpClient();
        var file = await alice.Files(http).CreateAsync(2L * FileLayout.ChunkBytes);
        var staging = Path.Combine(fixture.Server.DataDirectory, "blobs", ".staging");

        var length = (int)FileLayout.CipherLength(file.Size, 0);
        using var hangUp = new CancellationTokenSource();
        using var upload = new HttpRequestMessage(HttpMethod.Put, $"/api/rooms/{room.RoomId}/files/{file.FileId}/chunks/0")
        {
            Content = new HalfThenHang(length),
        };
        upload.Headers.Authorization = new AuthenticationHeaderValue("ParleyMember",
            $"{alice.MemberId}:{Base64Url.Encode(alice.Credentials.MemberToken)}");
        var sending = http.SendAsync(upload, hangUp.Token);
        await Eventually.True(() => Directory.Exists(staging) && Directory.EnumerateFiles(staging, file.FileId + ".*.part").Any(), "the chunk to be streaming");
        await hangUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);

        await Eventually.True(() => fixture.Server.Log.Contains("The client broke off PUT"), "the broken-off upload was logged");
        var lines = fixture.Server.Log.Split('\n');
        Assert.StartsWith("warn:", lines[Array.FindIndex(lines, l => l.Contains("The client broke off PUT")) - 1]);
        Assert.DoesNotContain(lines, l => l.StartsWith("fail:"));
    }

    /// <summary>A body that announces its full length, sends half, then never finishes.</summary>
    sealed class HalfThenHang(int length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken ct)
        {
            await stream.WriteAsync(new byte[length / 2], ct);
            await stream.FlushAsync(ct);
            await Task.Delay(Timeout.Infinite, ct);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = length1;
            return true;
        }

        readonly long length1 = length;
    }
}
