using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Client;
using Parley.Client.Crypto;
using Parley.Client.Files;
using Parley.Protocol;

namespace Parley.Server.Tests;

/// <summary>A server with small limits: 3 MiB a file, 5 MiB a room.</summary>
public sealed class QuotaFixture : ServerFixture
{
    public const long MaxFileBytes = 3 * FileLayout.ChunkBytes;
    public const long MaxRoomBytes = 5 * FileLayout.ChunkBytes;

    protected override Dictionary<string, string> Settings => new(base.Settings)
    {
        ["Parley__MaxFileBytes"] = $"{MaxFileBytes}",
        ["Parley__MaxRoomBytes"] = $"{MaxRoomBytes}",
    };
}

public class QuotaTests(QuotaFixture fixture) : IClassFixture<QuotaFixture>
{
    const long MiB = FileLayout.ChunkBytes;

    /// <summary>The refusal's status, code, ProblemDetails title and detail.</summary>
    static async Task<(HttpStatusCode? Status, RefusalCode? Code, string Title, string Detail)> RefusalAsync(Func<Task> attempt)
    {
        var e = await Assert.ThrowsAsync<HttpRefusalException>(attempt);
        var problem = JsonDocument.Parse(e.Message[(e.Message.IndexOf(':') + 1)..]).RootElement;
        return (e.StatusCode, e.Code, problem.GetProperty("title").GetString()!, problem.GetProperty("detail").GetString()!);
    }

    [Fact]
    public async Task Files_over_the_file_or_the_room_limit_are_refused_saying_which_and_by_how_much_and_nothing_is_stored()
    {
        var room = await fixture.NewRoomAsync();
        await using var alice = await FilesMember.JoinAsync(fixture, room);
        var transfer = alice.Files.Transfer;
        Assert.Equal(new RoomUsage(0, 5 * MiB, 3 * MiB), await alice.Files.UsageAsync());

        var tooLarge = await RefusalAsync(() => transfer.CreateAsync(3 * MiB + 1));
        var negative = await RefusalAsync(() => transfer.CreateAsync(-1));

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, RefusalCode.FileTooLarge, "File too large"), (tooLarge.Status, tooLarge.Code, tooLarge.Title));
        Assert.Equal((HttpStatusCode.BadRequest, RefusalCode.SizeInvalid), (negative.Status, negative.Code));
        Assert.Equal("The file is 3,145,729 bytes: 1 byte over the per-file limit (the limit is 3,145,728 bytes).", tooLarge.Detail);
        Assert.Equal(0, await fixture.CountRowsAsync("Files", room.RoomId));
        Assert.False(Directory.Exists(Path.Combine(fixture.Server.DataDirectory, "blobs", room.RoomId)));

        // A whole file in the file manager, a chat attachment, and an upload still under way all count.
        var kept = await alice.Files.UploadAsync(["big.bin"], new Parley.Testing.GeneratedContent(3 * MiB, 1), 3 * MiB);
        await transfer.UploadAsync(new Parley.Testing.GeneratedContent(MiB / 2, 2), MiB / 2);
        var underway = await transfer.CreateAsync(MiB);
        await transfer.UploadChunksAsync(underway, new Parley.Testing.GeneratedContent(MiB, 3), [0]);
        Assert.Equal(new RoomUsage(4 * MiB + MiB / 2, 5 * MiB, 3 * MiB), await alice.Files.UsageAsync());

        var full = await RefusalAsync(() => transfer.CreateAsync(MiB));

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, RefusalCode.RoomQuotaExceeded, "Room storage full"), (full.Status, full.Code, full.Title));
        Assert.Equal("This room's uploads hold 4,718,592 of its 5,242,880 bytes, so a file of 1,048,576 bytes is 524,288 bytes " +
            "over the per-room limit (524,288 bytes left).", full.Detail);
        Assert.Equal(3, await fixture.CountRowsAsync("Files", room.RoomId));
        Assert.Equal(4 * MiB + MiB / 2, (await alice.Files.UsageAsync()).UsedBytes);

        // Deleting frees the room: the same file then fits.
        await alice.Files.DeleteAsync([kept.Entry.EntryId]);
        Assert.Equal(MiB + MiB / 2, (await alice.Files.UsageAsync()).UsedBytes);
        await transfer.CreateAsync(MiB);
        using var http = fixture.Server.CreateHttpClient();
        var limits = await http.GetFromJsonAsync<Dictionary<string, long>>("/api/limits");
        Assert.Equal((3 * MiB, 5 * MiB), (limits!["maxFileBytes"], limits["maxRoomBytes"]));
    }

    [Fact]
    public async Task Uploads_started_at_the_same_moment_cannot_pass_the_room_limit_together()
    {
        var room = await fixture.NewRoomAsync();
        await using var alice = await FilesMember.JoinAsync(fixture, room);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            try { return (await alice.Files.Transfer.CreateAsync(MiB)).FileId; }
            catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.RequestEntityTooLarge) { return null; }
        }));

        Assert.Equal(5, attempts.Count(id => id is not null));
        Assert.Equal(5 * MiB, (await alice.Files.UsageAsync()).UsedBytes);
        Assert.Equal(5, await fixture.CountRowsAsync("Files", room.RoomId));
    }

    [Fact]
    public async Task Usage_is_for_members_only()
    {
        var room = await fixture.NewRoomAsync();
        await using var alice = await FilesMember.JoinAsync(fixture, room);
        using var http = fixture.Server.CreateHttpClient();

        using var anonymous = await http.GetAsync($"/api/rooms/{room.RoomId}/usage");

        Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);
        Assert.Equal(0, (await alice.Files.UsageAsync()).UsedBytes);
    }
}
