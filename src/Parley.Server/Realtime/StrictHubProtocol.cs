using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Parley.Server.Realtime;

/// <summary>
/// SignalR's MessagePack protocol, but a frame of a message type it does not know closes the
/// connection. The stock protocol skips such a frame by answering "no message yet", which also
/// leaves a whole call sent right behind it unread until more bytes arrive: that connection's next
/// call stalls. Garbage frames already close the connection; now every malformed frame does, and
/// only that connection.
/// </summary>
public sealed class StrictHubProtocol(IOptions<MessagePackHubProtocolOptions> options) : IHubProtocol
{
    readonly MessagePackHubProtocol inner = new(options);

    public string Name => inner.Name;
    public int Version => inner.Version;
    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        var before = input.Length;
        if (inner.TryParseMessage(ref input, binder, out message)) return true;
        // A whole frame was read, yet no message came of it: a type this server does not speak.
        if (input.Length != before) throw new InvalidDataException("Unknown hub message type.");
        return false;
    }

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(message, output);
    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(message);
    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);

    /// <summary>Put in place of the stock MessagePack protocol that AddMessagePackProtocol registered.</summary>
    public static void Use(IServiceCollection services)
    {
        foreach (var stock in services.Where(d => d.ServiceType == typeof(IHubProtocol) && d.ImplementationType == typeof(MessagePackHubProtocol)).ToList())
            services.Remove(stock);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHubProtocol, StrictHubProtocol>());
    }
}
