using System.Buffers;
using System.Collections.Frozen;
using MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Parley.Server.Realtime;

/// <summary>
/// A room event's arguments as bytes for the other nodes, in MessagePack with the hub protocol's
/// own options, each argument read back as the type <see cref="IRoomClient"/> declares for it.
/// </summary>
public sealed class RoomEventCodec(IOptions<MessagePackHubProtocolOptions> options)
{
    static readonly FrozenDictionary<string, Type[]> Parameters = typeof(IRoomClient).GetMethods()
        .ToFrozenDictionary(m => m.Name, m => m.GetParameters().Select(p => p.ParameterType).ToArray());

    readonly MessagePackSerializerOptions serializer = options.Value.SerializerOptions;

    public byte[] Write(string method, object?[] args)
    {
        var types = Parameters[method];
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(args.Length);
        for (var i = 0; i < args.Length; i++) MessagePackSerializer.Serialize(types[i], ref writer, args[i], serializer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="MessagePackSerializationException">Not an event of this version's <see cref="IRoomClient"/>.</exception>
    public object?[] Read(string method, byte[] payload)
    {
        if (!Parameters.TryGetValue(method, out var types)) throw new MessagePackSerializationException($"No event {method}.");
        var reader = new MessagePackReader(payload);
        var count = reader.ReadArrayHeader();
        if (count != types.Length) throw new MessagePackSerializationException($"{method} takes {types.Length} arguments, not {count}.");
        var args = new object?[count];
        for (var i = 0; i < count; i++) args[i] = MessagePackSerializer.Deserialize(types[i], ref reader, serializer);
        return args;
    }
}
