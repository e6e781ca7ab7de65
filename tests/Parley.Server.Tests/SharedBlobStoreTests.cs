using System.Security.Cryptography;
using Parley.Server.Storage;

namespace Parley.Server.Tests;

/// <summary>
/// Several nodes on one blob folder (a mounted volume), as the store itself sees it: each
/// <see cref="DiskBlobStore"/> here is one node's, all on the same real folder.
/// </summary>
public sealed class SharedBlobStoreTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("parley-shared-blobs-").FullName;
    readonly string roomId = Ids.New(), fileId = Ids.New();

    public void Dispose() => Directory.Delete(root, recursive: true);

    DiskBlobStore Node(string name) => new(root, name);

    static async Task PlaceAsync(IBlobStore node, string roomId, string fileId, int index, byte[] bytes)
    {
        await using var staged = await node.StageChunkAsync(roomId, fileId, index, new MemoryStream(bytes), bytes.Length, default);
        await staged.PlaceAsync(default);
    }

    static async Task<byte[]> ReadAsync(IBlobStore node, string roomId, string fileId, int index)
    {
        await using var chunk = await node.OpenChunkAsync(roomId, fileId, index, default);
        using var copy = new MemoryStream();
        await chunk.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task Two_nodes_writing_the_same_chunk_at_once_never_share_a_staging_file_and_the_last_placement_wins()
    {
        var (a, b) = (Node("a"), Node("b"));
        byte[] fromA = RandomNumberGenerator.GetBytes(64 * 1024), fromB = RandomNumberGenerator.GetBytes(64 * 1024);

        await using var stagedA = await a.StageChunkAsync(roomId, fileId, 0, new MemoryStream(fromA), fromA.Length, default);
        await using var stagedB = await b.StageChunkAsync(roomId, fileId, 0, new MemoryStream(fromB), fromB.Length, default);
        var staging = Directory.GetFiles(Path.Combine(root, ".staging"));
        Assert.Equal(2, staging.Length);
        Assert.Contains(staging, p => Path.GetFileName(p).StartsWith($"{fileId}.0.a.", StringComparison.Ordinal));
        Assert.Contains(staging, p => Path.GetFileName(p).StartsWith($"{fileId}.0.b.", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(root, roomId)), "nothing is visible to readers before it is placed");

        await stagedA.PlaceAsync(default);
        await stagedB.PlaceAsync(default);

        Assert.Equal(fromB, await ReadAsync(a, roomId, fileId, 0));
        Assert.Empty(Directory.GetFiles(Path.Combine(root, ".staging")));
    }

    [Fact]
    public async Task A_reader_on_one_node_sees_a_whole_chunk_while_another_node_keeps_replacing_it()
    {
        var (reader, writer) = (Node("a"), Node("b"));
        byte[] ones = Enumerable.Repeat((byte)1, 256 * 1024).ToArray(), twos = Enumerable.Repeat((byte)2, 256 * 1024).ToArray();
        await PlaceAsync(writer, roomId, fileId, 0, ones);

        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++) await PlaceAsync(writer, roomId, fileId, 0, i % 2 == 0 ? twos : ones);
        });
        var reads = 0;
        while (!writing.IsCompleted && reads < 10_000)
        {
            var read = await ReadAsync(reader, roomId, fileId, 0);
            reads++;
            Assert.True(read.AsSpan().SequenceEqual(ones) || read.AsSpan().SequenceEqual(twos), $"read {reads} saw a mix or a part");
        }
        await writing;
    }

    [Fact]
    public async Task Nodes_deleting_the_same_file_and_room_at_once_all_succeed_and_leave_nothing_behind()
    {
        IBlobStore[] nodes = [Node("a"), Node("b"), Node("c")];
        for (var round = 0; round < 20; round++)
        {
            for (var i = 0; i < 30; i++) await PlaceAsync(nodes[i % 3], roomId, fileId, i, [(byte)i]);

            await Task.WhenAll(nodes.Select(n => Task.Run(() => round % 2 == 0
                ? n.DeleteFileAsync(roomId, fileId, default)
                : n.DeleteRoomAsync(roomId, default))));

            Assert.False(Directory.Exists(Path.Combine(root, roomId, fileId)));
            Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(root, ".deleting")));
        }
    }

    [Fact]
    public async Task A_reader_keeps_the_chunk_it_has_open_when_another_node_deletes_the_file_and_later_opens_find_nothing()
    {
        var (reader, deleter) = (Node("a"), Node("b"));
        var bytes = RandomNumberGenerator.GetBytes(100_000);
        await PlaceAsync(deleter, roomId, fileId, 0, bytes);
        await PlaceAsync(deleter, roomId, fileId, 1, bytes);

        await using var open = await reader.OpenChunkAsync(roomId, fileId, 0, default);
        await deleter.DeleteFileAsync(roomId, fileId, default);

        using var copy = new MemoryStream();
        await open.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
        await Assert.ThrowsAsync<BlobMissingException>(() => reader.OpenChunkAsync(roomId, fileId, 1, default));
    }

    [Fact]
    public async Task Leftovers_untouched_since_the_cutoff_are_discarded_by_any_node_and_fresh_ones_are_kept()
    {
        var (killed, survivor) = (Node("killed"), Node("survivor"));
        await using var abandoned = await killed.StageChunkAsync(roomId, fileId, 0, new MemoryStream(new byte[10]), 10, default);
        await using var streaming = await survivor.StageChunkAsync(roomId, fileId, 1, new MemoryStream(new byte[10]), 10, default);
        var abandonedPart = Directory.GetFiles(Path.Combine(root, ".staging"), $"{fileId}.0.killed.*").Single();
        // The killed node's chunk was last written an hour ago.
        File.SetLastWriteTimeUtc(abandonedPart, DateTime.UtcNow.AddHours(-1));
        // And it had begun a delete an hour ago that it never finished.
        var halfDeleted = Path.Combine(root, ".deleting", $"{DateTime.UtcNow.AddHours(-1).Ticks}.killed.{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(halfDeleted, "some-file"));
        File.WriteAllBytes(Path.Combine(halfDeleted, "some-file", "0"), new byte[10]);

        var cutoff = DateTime.UtcNow.AddMinutes(-30);
        await Task.WhenAll(Task.Run(() => survivor.DiscardLeftoversAsync(cutoff, default)),
            Task.Run(() => Node("third").DiscardLeftoversAsync(cutoff, default)));

        Assert.False(File.Exists(abandonedPart));
        Assert.False(Directory.Exists(halfDeleted));
        await streaming.PlaceAsync(default);
        Assert.Equal(new byte[10], await ReadAsync(killed, roomId, fileId, 1));
    }
}
