using System.Security.Cryptography;
using System.Text;
using Parley.Protocol;

namespace Parley.Client.Crypto;

/// <summary>Who and what an envelope is for; all of it is bound into the associated data.</summary>
/// <param name="MessageId">Kind <c>chat</c> only: the sender's message id (<c>{stream}.{counter}</c>).</param>
public readonly record struct EnvelopeContext(string RoomId, string Kind, int Epoch, string Sender, string? MessageId = null)
{
    // Binding room, kind, epoch and sender stops a ciphertext being replayed anywhere else; binding
    // a chat message's id (its sender's stream and counter) makes replays and reorderings show.
    public byte[] AssociatedData() => Kind == EnvelopeKind.Chat
        ? Encoding.UTF8.GetBytes($"parley/v2|{RoomId}|chat|{Epoch}|{Sender}|{MessageId ?? throw new InvalidOperationException("A chat envelope needs its message id.")}")
        : Encoding.UTF8.GetBytes($"parley/v1|{RoomId}|{Kind}|{Epoch}|{Sender}");
}

/// <summary>AES-256-GCM envelopes, byte-compatible with web/src/crypto.</summary>
public static class EnvelopeCipher
{
    public const int IvBytes = Limits.IvBytes;
    public const int TagBytes = Limits.TagBytes;

    public static Envelope Encrypt(ReadOnlySpan<byte> key, EnvelopeContext context, ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> fixedIv = default)
    {
        // A fresh random IV per envelope; a fixed one exists only for known-answer vectors.
        var iv = fixedIv.IsEmpty ? RandomNumberGenerator.GetBytes(IvBytes) : fixedIv.ToArray();
        var output = new byte[plaintext.Length + TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(iv, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length),
            context.AssociatedData());
        return new Envelope(context.Epoch, iv, output);
    }

    /// <exception cref="CryptographicException">When the envelope was altered or is for another context.</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> key, EnvelopeContext context, Envelope envelope)
    {
        if (envelope.Iv.Length != IvBytes || envelope.Ciphertext.Length < TagBytes || envelope.Epoch != context.Epoch)
            throw new CryptographicException("Malformed envelope.");
        var cipherLength = envelope.Ciphertext.Length - TagBytes;
        var plaintext = new byte[cipherLength];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(envelope.Iv, envelope.Ciphertext.AsSpan(0, cipherLength), envelope.Ciphertext.AsSpan(cipherLength),
            plaintext, context.AssociatedData());
        return plaintext;
    }
}
