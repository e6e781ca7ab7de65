using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Parley.Protocol;

namespace Parley.Client.Crypto;

/// <summary>
/// Chunked AES-256-GCM for files (docs/protocol.md, "Files"), byte-compatible with web/src/crypto.
/// The associated data binds the file, the chunk's index and whether it is the last, so a stream
/// whose chunks were reordered, swapped with another file's or cut short fails to decrypt.
/// </summary>
public static class FileCipher
{
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    // One key per file, so the chunk index alone makes every IV unique under that key.
    public static byte[] ChunkIv(int index)
    {
        var iv = new byte[EnvelopeCipher.IvBytes];
        BinaryPrimitives.WriteUInt64BigEndian(iv.AsSpan(4), (ulong)index);
        return iv;
    }

    public static byte[] AssociatedData(string fileId, int index, bool last) =>
        Encoding.UTF8.GetBytes($"parley/v1|file|{fileId}|{index}|{(last ? 1 : 0)}");

    /// <summary>Writes plaintext.Length + 16 bytes to <paramref name="output"/>.</summary>
    public static void EncryptChunk(ReadOnlySpan<byte> key, string fileId, int index, bool last, ReadOnlySpan<byte> plaintext,
        Span<byte> output)
    {
        using var aes = new AesGcm(key, FileLayout.TagBytes);
        aes.Encrypt(ChunkIv(index), plaintext, output[..plaintext.Length], output.Slice(plaintext.Length, FileLayout.TagBytes),
            AssociatedData(fileId, index, last));
    }

    /// <exception cref="CryptographicException">When the chunk is not chunk <paramref name="index"/> of this file.</exception>
    public static void DecryptChunk(ReadOnlySpan<byte> key, string fileId, int index, bool last, ReadOnlySpan<byte> ciphertext,
        Span<byte> output)
    {
        if (ciphertext.Length < FileLayout.TagBytes) throw new CryptographicException("A chunk is shorter than its tag.");
        var length = ciphertext.Length - FileLayout.TagBytes;
        using var aes = new AesGcm(key, FileLayout.TagBytes);
        aes.Decrypt(ChunkIv(index), ciphertext[..length], ciphertext[length..], output[..length], AssociatedData(fileId, index, last));
    }

    /// <summary>
    /// Decrypts a file's concatenated chunks from <paramref name="source"/> into <paramref name="destination"/>,
    /// one chunk in memory at a time. <paramref name="size"/> comes from the encrypted attachment, so
    /// the server cannot make the file shorter or longer unnoticed.
    /// </summary>
    public static async Task DecryptStreamAsync(byte[] key, string fileId, long size, Stream source, Stream destination,
        IProgress<long>? progress = null, CancellationToken ct = default, int chunkBytes = FileLayout.ChunkBytes)
    {
        var count = FileLayout.ChunkCount(size, chunkBytes);
        var cipher = ArrayPool<byte>.Shared.Rent(chunkBytes + FileLayout.TagBytes);
        var plain = ArrayPool<byte>.Shared.Rent(chunkBytes);
        try
        {
            long done = 0;
            for (var i = 0; i < count; i++)
            {
                var length = FileLayout.CipherLength(size, i, chunkBytes);
                var read = await source.ReadAtLeastAsync(cipher.AsMemory(0, length), length, throwOnEndOfStream: false, ct);
                if (read < length) throw new CryptographicException($"The file ends early, in chunk {i} of {count}.");
                DecryptChunk(key, fileId, i, i == count - 1, cipher.AsSpan(0, length), plain);
                await destination.WriteAsync(plain.AsMemory(0, length - FileLayout.TagBytes), ct);
                progress?.Report(done += length - FileLayout.TagBytes);
            }
            if (await source.ReadAsync(cipher.AsMemory(0, 1), ct) != 0)
                throw new CryptographicException("The file has more bytes than its chunks.");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(cipher);
            ArrayPool<byte>.Shared.Return(plain);
        }
    }
}
