namespace Parley.Protocol;

/// <summary>Unpadded base64url, as used in links and in the HTTP API.</summary>
public static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    /// <exception cref="FormatException">When <paramref name="text"/> is not base64url.</exception>
    public static byte[] Decode(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);
}
