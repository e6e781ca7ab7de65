using System.Runtime.Versioning;
using System.Text;
using Parley.Client.Crypto;
using Parley.Client.Files;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

[UnsupportedOSPlatform("windows")] // Unix file modes
public class DataFolderPermissionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public async Task Everything_the_server_writes_is_private_to_its_user()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        await alice.PushUpdateAsync(Encoding.UTF8.GetBytes("code"));
        await alice.SendChatAsync(Guid.NewGuid().ToString("N"), Encoding.UTF8.GetBytes("chat"));
        using var http = fixture.Server.CreateHttpClient();
        await alice.Files(http).UploadAsync(new GeneratedContent(FileLayout.ChunkBytes + 10, 31), FileLayout.ChunkBytes + 10);

        var data = fixture.Server.DataDirectory;
        var written = Directory.EnumerateFileSystemEntries(data, "*", SearchOption.AllDirectories).Prepend(data).ToList();
        Assert.Contains(written, p => p.EndsWith("parley.db-wal"));
        Assert.Contains(written, p => p.Contains($"blobs{Path.DirectorySeparatorChar}{room.RoomId}"));
        Assert.Empty(written.Where(p => (File.GetUnixFileMode(p) & GroupOrOther) != 0)
            .Select(p => $"{Path.GetRelativePath(data, p)} {File.GetUnixFileMode(p)}"));
    }
}
