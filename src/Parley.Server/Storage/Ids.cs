using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Parley.Protocol;

namespace Parley.Server.Storage;

/// <summary>
/// The one shape of every id the server makes (rooms, members, files, entries): 16 random bytes,
/// base64url without padding, so 22 characters of [A-Za-z0-9_-]. Ids become keys, columns and blob
/// paths, so anything arriving from a client is checked against this shape before it is used.
/// </summary>
public static class Ids
{
    /// <summary>Characters in an id; also the width of every id column.</summary>
    public const int Length = 22;

    const int RandomBytes = 16;

    static readonly SearchValues<char> Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public static string New() => Base64Url.Encode(RandomNumberGenerator.GetBytes(RandomBytes));

    public static bool IsWellFormed([NotNullWhen(true)] string? id) =>
        id is { Length: Length } && !id.AsSpan().ContainsAnyExcept(Alphabet);
}
