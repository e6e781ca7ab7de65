using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Parley.Client.Outbox;

/// <summary>
/// An append-only file of frames, each sealed on its own with AES-256-GCM: nothing in it is
/// plaintext but the format's magic. A frame is <c>length(4, LE) | nonce(12) | tag(16) | ciphertext</c>;
/// the associated data binds the room, so one room's file cannot be replayed into another.
/// Only this process's user may read it (0600), and one session holds it at a time.
/// </summary>
sealed class OutboxFile : IDisposable
{
    static readonly byte[] Magic = "PARLEY-OUTBOX-1\n"u8.ToArray();
    // Sealed right after the magic when the file is made: a wrong key fails here, so a frame that
    // fails later can only be a torn last write, never good records read with the wrong key.
    static readonly byte[] KeyCheck = "key-check"u8.ToArray();
    const int NonceBytes = 12, TagBytes = 16, LengthBytes = 4;
    const int MaxFrameBytes = 64 << 20;

    readonly string path;
    readonly AesGcm aes;
    readonly byte[] associatedData;
    FileStream stream;

    OutboxFile(string path, byte[] key, string roomId, FileStream stream)
    {
        this.path = path;
        aes = new AesGcm(key, TagBytes);
        associatedData = Encoding.UTF8.GetBytes($"parley-outbox/v1|{roomId}");
        this.stream = stream;
    }

    /// <summary>Opens (or makes) the file and reads every whole frame; a torn last frame is cut off.</summary>
    /// <exception cref="InvalidDataException">Not an outbox file, not this key or room's, or damaged before its end.</exception>
    public static OutboxFile Open(string path, byte[] key, string roomId, out List<(long Offset, byte[] Plaintext)> frames)
    {
        var stream = new FileStream(path, PrivateFile(FileMode.OpenOrCreate));
        var file = new OutboxFile(path, key, roomId, stream);
        try
        {
            frames = file.ReadAll();
            // One made earlier (or copied in) with wider access is narrowed, as the server does with its data folder.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Appends a frame; <paramref name="durable"/> also waits until the disk has it (fsync).</summary>
    /// <returns>Where the frame starts.</returns>
    public long Append(byte[] plaintext, bool durable)
    {
        var offset = stream.Length;
        stream.Position = offset;
        stream.Write(Seal(plaintext));
        stream.Flush(flushToDisk: durable);
        return offset;
    }

    public byte[] Read(long offset)
    {
        stream.Position = offset;
        return TryOpenNext(out var plaintext) ? plaintext : throw new InvalidDataException($"The outbox {path} changed under this session.");
    }

    /// <summary>
    /// Writes the frames at <paramref name="live"/> to a new file and puts it in place of this one:
    /// the frames are copied sealed as they are (their associated data names no position). Both the
    /// old file and the new one hold every live frame, so a crash at any point leaves a good file.
    /// One limit: .NET opens no handle on a folder to fsync, so after a power cut (not a process crash)
    /// the rename, and frames appended since, are as durable as the file system's next metadata commit.
    /// </summary>
    /// <returns>Where each frame now starts and its size, in the order given.</returns>
    public (long Offset, long Bytes)[] Rewrite(IReadOnlyList<long> live)
    {
        var aside = path + ".compact";
        File.Delete(aside); // left by a compaction that died before its rename
        var moved = new (long, long)[live.Count];
        using (var target = new FileStream(aside, PrivateFile(FileMode.CreateNew)))
        {
            WriteHeader(target);
            for (var i = 0; i < live.Count; i++)
            {
                var frame = RawFrame(live[i]);
                moved[i] = (target.Position, frame.Length);
                target.Write(frame);
            }
            target.Flush(flushToDisk: true);
        }
        stream.Dispose();
        File.Move(aside, path, overwrite: true);
        stream = new FileStream(path, PrivateFile(FileMode.Open));
        return moved;
    }

    public long Length => stream.Length;

    public void Dispose()
    {
        stream.Dispose();
        aes.Dispose();
    }

    List<(long, byte[])> ReadAll()
    {
        if (stream.Length < Magic.Length + LengthBytes + NonceBytes + TagBytes + KeyCheck.Length) return Start();
        var magic = new byte[Magic.Length];
        stream.ReadExactly(magic);
        if (!magic.AsSpan().SequenceEqual(Magic)) throw new InvalidDataException($"{path} is not a Parley outbox.");
        if (!TryOpenNext(out var check) || !check.AsSpan().SequenceEqual(KeyCheck))
            throw new InvalidDataException($"The outbox {path} does not open with this key (or belongs to another room).");
        var frames = new List<(long, byte[])>();
        while (stream.Position < stream.Length)
        {
            var offset = stream.Position;
            if (!TryOpenNext(out var plaintext))
            {
                // Only the last write can be torn: it was never fsynced whole, so nothing went out after it.
                if (!IsLast(offset)) throw new InvalidDataException($"The outbox {path} is damaged at byte {offset}.");
                stream.SetLength(offset);
                stream.Flush(flushToDisk: true);
                break;
            }
            frames.Add((offset, plaintext));
        }
        return frames;
    }

    // Empty, or cut short while being made: nothing was ever kept in it. Anything else is not ours to overwrite.
    List<(long, byte[])> Start()
    {
        var head = new byte[Math.Min(stream.Length, Magic.Length)];
        stream.ReadExactly(head);
        if (!Magic.AsSpan().StartsWith(head)) throw new InvalidDataException($"{path} is not a Parley outbox.");
        stream.SetLength(0);
        WriteHeader(stream);
        stream.Flush(flushToDisk: true);
        return [];
    }

    /// <summary>The magic, then the key check sealed under this file's key and room.</summary>
    void WriteHeader(Stream target)
    {
        target.Write(Magic);
        target.Write(Seal(KeyCheck));
    }

    bool IsLast(long offset)
    {
        stream.Position = offset;
        var length = ReadLength();
        return length is null || offset + LengthBytes + length >= stream.Length;
    }

    bool TryOpenNext(out byte[] plaintext)
    {
        plaintext = [];
        var start = stream.Position;
        if (ReadLength() is not { } length || length < NonceBytes + TagBytes || length > MaxFrameBytes
            || stream.Length - stream.Position < length) return false;
        var frame = new byte[length];
        stream.ReadExactly(frame);
        plaintext = new byte[length - NonceBytes - TagBytes];
        try
        {
            aes.Decrypt(frame.AsSpan(0, NonceBytes), frame.AsSpan(NonceBytes + TagBytes), frame.AsSpan(NonceBytes, TagBytes),
                plaintext, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            stream.Position = start;
            return false;
        }
    }

    int? ReadLength()
    {
        Span<byte> prefix = stackalloc byte[LengthBytes];
        if (stream.Length - stream.Position < LengthBytes) return null;
        stream.ReadExactly(prefix);
        return BinaryPrimitives.ReadInt32LittleEndian(prefix);
    }

    byte[] RawFrame(long offset)
    {
        stream.Position = offset;
        var length = ReadLength() ?? throw new InvalidDataException($"The outbox {path} changed under this session.");
        var frame = new byte[LengthBytes + length];
        stream.Position = offset;
        stream.ReadExactly(frame);
        return frame;
    }

    byte[] Seal(byte[] plaintext)
    {
        var length = NonceBytes + TagBytes + plaintext.Length;
        var frame = new byte[LengthBytes + length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, length);
        var nonce = frame.AsSpan(LengthBytes, NonceBytes);
        // A random nonce per frame: frames are few (one per update or message), far from GCM's 2^32 bound for random nonces.
        RandomNumberGenerator.Fill(nonce);
        aes.Encrypt(nonce, plaintext, frame.AsSpan(LengthBytes + NonceBytes + TagBytes), frame.AsSpan(LengthBytes + NonceBytes, TagBytes),
            associatedData);
        return frame;
    }

    /// <summary>0600 from its first byte, whatever the umask; FileShare.None keeps a second session (or process) out.</summary>
    internal static FileStreamOptions PrivateFile(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows() && mode != FileMode.Open) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return options;
    }
}
