using MessagePack;

namespace Parley.Protocol;

[MessagePackObject]
public sealed record StoredChat(
    [property: Key("seq")] long Seq,
    [property: Key("sender")] string Sender,
    [property: Key("clientMessageId")] string ClientMessageId,
    [property: Key("sentAt")] long SentAt,
    [property: Key("envelope")] Envelope Envelope);

/// <summary>A stored chat message's place and server time (Unix milliseconds, UTC).</summary>
[MessagePackObject]
public sealed record ChatAck(
    [property: Key("seq")] long Seq,
    [property: Key("sentAt")] long SentAt);

[MessagePackObject]
public sealed record ChatPage(
    [property: Key("messages")] IReadOnlyList<StoredChat> Messages,
    [property: Key("more")] bool More);
