using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Storage;

namespace Parley.Server.Rooms;

/// <summary>
/// The keyed hash (HMAC-SHA256) a tombstone keeps instead of a room id: whoever holds the link can
/// still be told the session ended, but the database alone does not say which rooms existed. The key
/// is a random secret kept in the data folder beside the database (file room-id.key, 0600).
/// </summary>
public sealed class EndedRoomIds
{
    readonly byte[] key;

    public EndedRoomIds(IOptions<ParleyOptions> options, IHostEnvironment environment)
    {
        var folder = options.Value.DataPath(environment);
        PrivateFiles.CreateFolder(folder);
        key = LoadOrCreate(Path.Combine(folder, "room-id.key"));
    }

    public byte[] Hash(string roomId) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(roomId));

    static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path)) return Read(path);
        // Written aside and moved into place, so a node starting at the same moment on the same
        // (shared) folder reads either no key or the whole key, never half of one.
        var aside = $"{path}.{Guid.NewGuid():N}";
        var fresh = RandomNumberGenerator.GetBytes(32);
        using (var file = new FileStream(aside, PrivateFiles.NewFile(FileOptions.WriteThrough))) file.Write(fresh);
        try
        {
            File.Move(aside, path, overwrite: false);
            return fresh;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another node made it first: the same key for all, so old tombstones still match.
            File.Delete(aside);
            return Read(path);
        }
    }

    static byte[] Read(string path)
    {
        var existing = File.ReadAllBytes(path);
        if (existing.Length != 32) throw new InvalidOperationException($"{path} is not a 32-byte key.");
        return existing;
    }
}
