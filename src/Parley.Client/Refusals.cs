using Microsoft.AspNetCore.SignalR;
using Parley.Protocol;

namespace Parley.Client;

/// <summary>An HTTP call the server refused: its status and ProblemDetails as before, and the catalog code it carried.</summary>
public sealed class HttpRefusalException(string message, System.Net.HttpStatusCode status, RefusalCode? code)
    : HttpRequestException(message, null, status)
{
    /// <summary>The ProblemDetails' <c>code</c>; null when the answer carried none this client knows.</summary>
    public RefusalCode? Code { get; } = code;
}

/// <summary>The refusal code of a failed call, for callers to switch on: never the server's wording.</summary>
public static class Refusals
{
    // SignalR's client reports a server's HubException as
    // "An unexpected error occurred invoking 'X' on the server. HubException: <message>".
    const string HubMarker = "HubException: ";

    /// <returns>The code of a refused hub or HTTP call, or null for any other failure.</returns>
    public static RefusalCode? RefusalCode(this Exception e) => e switch
    {
        HubException hub => RefusalCodes.ParseHubMessage(Unwrapped(hub.Message)).Code,
        HttpRefusalException http => http.Code,
        _ => null,
    };

    static string Unwrapped(string message)
    {
        var at = message.IndexOf(HubMarker, StringComparison.Ordinal);
        return at < 0 ? message : message[(at + HubMarker.Length)..];
    }
}
