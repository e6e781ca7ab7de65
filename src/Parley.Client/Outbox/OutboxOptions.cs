using System.Security.Cryptography;

namespace Parley.Client.Outbox;

/// <summary>
/// Where a session keeps what it has not had acknowledged yet (doc updates, chat messages), so that
/// a crash or a restart loses none of it: the next join of the same room with the same file sends it.
/// </summary>
/// <param name="Path">The outbox file; one per room and member, used by one session at a time.</param>
/// <param name="Key">32 bytes of AES-256 key. Null: the key is read from <c>{Path}.key</c>, which is made
/// (random, readable by this user only) when missing. The file never holds anything readable without it.</param>
public sealed record OutboxOptions(string Path, byte[]? Key = null)
{
    public const int KeyBytes = 32;

    /// <summary>The application's key, or the key file's (made on first use).</summary>
    internal byte[] LoadKey()
    {
        if (Key is not null)
            return Key.Length == KeyBytes ? Key : throw new ArgumentException($"An outbox key is {KeyBytes} bytes.", nameof(Key));
        var keyPath = Path + ".key";
        if (!File.Exists(keyPath))
        {
            // Written aside and renamed into place: a key file is whole or absent, never cut short by a crash.
            var aside = $"{keyPath}.{Guid.NewGuid():N}";
            using (var file = new FileStream(aside, OutboxFile.PrivateFile(FileMode.CreateNew)))
            {
                file.Write(RandomNumberGenerator.GetBytes(KeyBytes));
                file.Flush(flushToDisk: true);
            }
            try { File.Move(aside, keyPath, overwrite: false); }
            catch (IOException) when (File.Exists(keyPath)) { /* another process made it first: theirs is the key */ }
            finally { File.Delete(aside); }
        }
        var existing = File.ReadAllBytes(keyPath);
        return existing.Length == KeyBytes ? existing : throw new InvalidDataException($"{keyPath} does not hold a {KeyBytes}-byte key.");
    }
}
