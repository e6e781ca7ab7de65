using System.Text;
using Parley.Client.Outbox;

namespace Parley.Server.Tests;

/// <summary>The outbox file on its own: what a crash mid-write leaves, and what it refuses to open.</summary>
public sealed class OutboxFileFormatTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("parley-outbox-file-").FullName;

    string PathOf(string name) => Path.Combine(folder, name);

    [Fact]
    public void A_write_torn_by_a_crash_is_cut_off_and_the_whole_entries_before_it_are_kept()
    {
        var options = new OutboxOptions(PathOf("room.outbox"));
        using (var outbox = SessionOutbox.Open(options, "room-1"))
        {
            outbox.KeepChat("s.1", Encoding.UTF8.GetBytes("first")).Dispose();
            outbox.KeepChat("s.2", Encoding.UTF8.GetBytes("second")).Dispose();
        }
        var whole = new FileInfo(options.Path).Length;
        using (var file = File.OpenWrite(options.Path))
        {
            file.Seek(0, SeekOrigin.End);
            file.Write([0x40, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7]); // a frame of 64 bytes, cut after 7
        }

        using var reopened = SessionOutbox.Open(options, "room-1");
        Assert.Equal(["s.1", "s.2"], reopened.Pending().Cast<PendingChat>().Select(c => c.ClientMessageId));
        Assert.True(new FileInfo(options.Path).Length <= whole);
    }

    [Fact]
    public void An_outbox_opens_only_with_its_own_key_and_room()
    {
        var options = new OutboxOptions(PathOf("room.outbox"));
        using (var outbox = SessionOutbox.Open(options, "room-1"))
            outbox.KeepChat("s.1", Encoding.UTF8.GetBytes("kept")).Dispose();

        Assert.Throws<InvalidDataException>(() => SessionOutbox.Open(options with { Key = new byte[OutboxOptions.KeyBytes] }, "room-1"));
        Assert.Throws<InvalidDataException>(() => SessionOutbox.Open(options, "room-2"));
        using var again = SessionOutbox.Open(options, "room-1");
        Assert.Single(again.Pending());
    }

    [Fact]
    public void A_file_that_is_not_an_outbox_is_refused_and_left_as_it_was()
    {
        var path = PathOf("notes.txt");
        File.WriteAllText(path, "notes");
        Assert.Throws<InvalidDataException>(() => SessionOutbox.Open(new OutboxOptions(path), "room-1"));
        Assert.Equal("notes", File.ReadAllText(path));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
