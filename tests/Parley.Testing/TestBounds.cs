using System.Runtime.CompilerServices;
using Parley.Client.Sessions;

namespace Parley.Testing;

static class TestBounds
{
    /// <summary>
    /// A joiner waits for another member's client to grant it the key. On CI's two cores, with a
    /// server and several clients making RSA keys at once, that took more than the client's 15 s
    /// default; a bound only matters when something is wrong, so the tests allow more.
    /// </summary>
    [ModuleInitializer]
    internal static void Generous() => RoomSession.KeyWait = TimeSpan.FromSeconds(60);
}
