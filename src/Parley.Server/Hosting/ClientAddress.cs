using System.Net;
using System.Net.Sockets;

namespace Parley.Server.Hosting;

/// <summary>
/// The key per-address limits count under. One IPv6 host usually holds a whole /64, so an IPv6
/// address is keyed by its /64 prefix; otherwise one host could rotate through 2^64 addresses.
/// </summary>
public static class ClientAddress
{
    public static string KeyOf(HttpContext? http) => KeyOf(http?.Connection.RemoteIpAddress);

    public static string KeyOf(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
