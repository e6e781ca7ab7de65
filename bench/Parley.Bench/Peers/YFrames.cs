namespace Parley.Bench.Peers;

/// <summary>
/// The y-protocols messages the driver needs, byte for byte (lib0 encoding: unsigned varints,
/// length-prefixed byte arrays). Hocuspocus puts the document's name (a varString) before each
/// message and has its own auth message; y-websocket and the relay take them bare.
/// </summary>
static class YFrames
{
    public const int MessageSync = 0, MessageAwareness = 1, MessageAuth = 2, MessageSyncReply = 4;
    public const int SyncStep1 = 0, SyncStep2 = 1, SyncUpdate = 2;

    /// <summary>An empty document's state vector (no clients) and its whole state as an update (no structs, no deletes).</summary>
    static readonly byte[] EmptyStateVector = [0], EmptyUpdate = [0, 0];

    public static byte[] Step1(byte[] prefix) => Sync(prefix, SyncStep1, EmptyStateVector);
    public static byte[] EmptyStep2(byte[] prefix) => Sync(prefix, SyncStep2, EmptyUpdate);
    public static byte[] Update(byte[] prefix, ReadOnlySpan<byte> update) => Sync(prefix, SyncUpdate, update);

    /// <summary>Hocuspocus waits for this (type Auth, sub-type Token, the token) before it handles anything else for a document.</summary>
    public static byte[] HocuspocusAuth(byte[] prefix, string token)
    {
        var writer = new List<byte>(prefix) { MessageAuth, 0 };
        WriteVarString(writer, token);
        return [.. writer];
    }

    public static byte[] VarString(string value)
    {
        var writer = new List<byte>();
        WriteVarString(writer, value);
        return [.. writer];
    }

    static byte[] Sync(byte[] prefix, int syncType, ReadOnlySpan<byte> payload)
    {
        var writer = new List<byte>(prefix.Length + payload.Length + 8);
        writer.AddRange(prefix);
        writer.Add(MessageSync);
        writer.Add((byte)syncType);
        WriteVarUint(writer, (ulong)payload.Length);
        writer.AddRange(payload);
        return [.. writer];
    }

    static void WriteVarString(List<byte> writer, string value)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        WriteVarUint(writer, (ulong)bytes.Length);
        writer.AddRange(bytes);
    }

    static void WriteVarUint(List<byte> writer, ulong value)
    {
        while (value >= 0x80)
        {
            writer.Add((byte)(value | 0x80));
            value >>= 7;
        }
        writer.Add((byte)value);
    }

    public static ulong ReadVarUint(ReadOnlySpan<byte> data, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }

    /// <summary>
    /// Who wrote an update and where it starts: a V1 update begins with the number of clients, then
    /// for the first client its number of structs, its id and the clock of its first struct. Every
    /// update the driver sends holds one insert by one client, so (client, clock) names it; servers
    /// that re-encode an update (y-websocket, Hocuspocus) keep that header.
    /// </summary>
    public static long UpdateKey(ReadOnlySpan<byte> update)
    {
        var at = 0;
        if (ReadVarUint(update, ref at) == 0) return -1;
        ReadVarUint(update, ref at);
        var client = ReadVarUint(update, ref at);
        var clock = ReadVarUint(update, ref at);
        return (long)(client << 32 | clock);
    }
}
