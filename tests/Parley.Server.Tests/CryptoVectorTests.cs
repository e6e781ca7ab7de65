using System.Security.Cryptography;
using System.Text.Json;
using Parley.Client.Crypto;
using Parley.Protocol;

namespace Parley.Server.Tests;

/// <summary>The same vectors are checked by web/src/crypto: both sides agree byte for byte.</summary>
public class CryptoVectorTests
{
    static readonly JsonElement Vectors =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "envelopes.json"))).RootElement;

    public static TheoryData<int> KdfCases() => new(Enumerable.Range(0, Vectors.GetProperty("kdf").GetArrayLength()));
    public static TheoryData<int> EnvelopeCases() => new(Enumerable.Range(0, Vectors.GetProperty("envelopes").GetArrayLength()));

    [Theory, MemberData(nameof(KdfCases))]
    public void Link_secret_derives_the_known_join_key_and_verifier(int index)
    {
        var v = Vectors.GetProperty("kdf")[index];
        var secrets = RoomSecrets.FromLinkSecret(v.GetProperty("linkSecret").GetString()!);
        Assert.Equal(v.GetProperty("joinKey").GetString(), Convert.ToHexStringLower(secrets.JoinKey));
        Assert.Equal(v.GetProperty("joinVerifier").GetString(), secrets.JoinVerifier);
    }

    [Theory, MemberData(nameof(EnvelopeCases))]
    public void Envelope_encrypts_to_the_known_ciphertext_and_decrypts_back(int index)
    {
        var (key, context, iv, plaintext, ciphertext) = Case(index);
        var envelope = EnvelopeCipher.Encrypt(key, context, plaintext, iv);
        Assert.Equal(ciphertext, envelope.Ciphertext);
        Assert.Equal(plaintext, EnvelopeCipher.Decrypt(key, context, envelope));
        Assert.Equal(Vectors.GetProperty("envelopes")[index].GetProperty("associatedData").GetString(),
            System.Text.Encoding.UTF8.GetString(context.AssociatedData()));
    }

    [Theory, MemberData(nameof(EnvelopeCases))]
    public void Envelope_bound_to_another_room_kind_epoch_sender_or_message_id_does_not_decrypt(int index)
    {
        var (key, context, iv, _, ciphertext) = Case(index);
        var envelope = new Parley.Protocol.Envelope(context.Epoch, iv, ciphertext);
        Assert.ThrowsAny<CryptographicException>(() => EnvelopeCipher.Decrypt(key, context with { RoomId = "other" }, envelope));
        var otherKind = context.Kind == EnvelopeKind.Chat ? EnvelopeKind.DocUpdate : EnvelopeKind.Chat;
        Assert.ThrowsAny<CryptographicException>(() => EnvelopeCipher.Decrypt(key, context with { Kind = otherKind, MessageId = "x" }, envelope));
        if (context.Kind == EnvelopeKind.Chat)
            Assert.ThrowsAny<CryptographicException>(() => EnvelopeCipher.Decrypt(key, context with { MessageId = context.MessageId + "0" }, envelope));
        Assert.ThrowsAny<CryptographicException>(() => EnvelopeCipher.Decrypt(key, context with { Sender = "mallory" }, envelope));
        Assert.ThrowsAny<CryptographicException>(() => EnvelopeCipher.Decrypt(key, context with { Epoch = context.Epoch + 1 },
            envelope with { Epoch = context.Epoch + 1 }));
        var flipped = (byte[])ciphertext.Clone();
        flipped[0] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => EnvelopeCipher.Decrypt(key, context, envelope with { Ciphertext = flipped }));
    }

    public static TheoryData<int> FileCases() => new(Enumerable.Range(0, Vectors.GetProperty("fileChunks").GetArrayLength()));

    [Theory, MemberData(nameof(FileCases))]
    public async Task File_chunks_encrypt_to_the_known_ciphertext_and_the_stream_decrypts_back(int index)
    {
        var v = Vectors.GetProperty("fileChunks")[index];
        var (fileId, key, chunkBytes) = (v.GetProperty("fileId").GetString()!, Base64Url.Decode(v.GetProperty("key").GetString()!),
            v.GetProperty("chunkBytes").GetInt32());
        var plaintext = Convert.FromHexString(v.GetProperty("plaintext").GetString()!);
        var chunks = v.GetProperty("chunks").EnumerateArray().ToList();
        Assert.Equal(FileLayout.ChunkCount(plaintext.Length, chunkBytes), chunks.Count);

        var stream = new MemoryStream();
        foreach (var chunk in chunks)
        {
            var i = chunk.GetProperty("index").GetInt32();
            var last = i == chunks.Count - 1;
            Assert.Equal(chunk.GetProperty("iv").GetString(), Convert.ToHexStringLower(FileCipher.ChunkIv(i)));
            Assert.Equal(chunk.GetProperty("associatedData").GetString(), System.Text.Encoding.UTF8.GetString(FileCipher.AssociatedData(fileId, i, last)));
            var piece = plaintext.AsSpan(i * chunkBytes, FileLayout.PlainLength(plaintext.Length, i, chunkBytes));
            var output = new byte[piece.Length + FileLayout.TagBytes];
            FileCipher.EncryptChunk(key, fileId, i, last, piece, output);
            Assert.Equal(chunk.GetProperty("ciphertext").GetString(), Convert.ToHexStringLower(output));
            stream.Write(output);
        }
        stream.Position = 0;
        var decrypted = new MemoryStream();
        await FileCipher.DecryptStreamAsync(key, fileId, plaintext.Length, stream, decrypted, chunkBytes: chunkBytes);
        Assert.Equal(plaintext, decrypted.ToArray());
    }

    static (byte[] Key, EnvelopeContext Context, byte[] Iv, byte[] Plaintext, byte[] Ciphertext) Case(int index)
    {
        var v = Vectors.GetProperty("envelopes")[index];
        byte[] Hex(string name) => Convert.FromHexString(v.GetProperty(name).GetString()!);
        var context = new EnvelopeContext(v.GetProperty("roomId").GetString()!, v.GetProperty("kind").GetString()!,
            v.GetProperty("epoch").GetInt32(), v.GetProperty("sender").GetString()!,
            v.TryGetProperty("messageId", out var id) ? id.GetString() : null);
        return (Hex("key"), context, Hex("iv"), Hex("plaintext"), Hex("ciphertext"));
    }
}
