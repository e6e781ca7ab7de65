namespace Parley.Protocol;

/// <summary>
/// A refused call: its catalog code and a human text. Server services throw it without knowing the
/// transport (the hub turns it into a HubException, HTTP into a ProblemDetails); the .NET client's
/// callers read <see cref="Code"/>, never the text.
/// </summary>
public class Refusal(RefusalCode code, string text) : Exception(text)
{
    public RefusalCode Code { get; } = code;

    /// <summary>How the hub sends it: <c>"&lt;code&gt;: &lt;text&gt;"</c>.</summary>
    public string HubMessage => RefusalCodes.HubMessage(Code, Message);
}
