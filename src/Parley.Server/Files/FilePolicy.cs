using Microsoft.Extensions.Options;
using Parley.Server.Accounts;
using Parley.Server.Hosting;
using Parley.Server.Rooms;

namespace Parley.Server.Files;

/// <summary>
/// Who may attach what: the one place for it. Members the access policy lets share files may
/// attach files up to the size limit.
/// </summary>
public sealed class FilePolicy(IOptions<ParleyOptions> options, AccessPolicy access)
{
    public sealed record Refusal(string Message, int Status);

    public long MaxFileBytes => options.Value.MaxFileBytes;

    /// <returns>Why the member may not attach this file, or null when they may.</returns>
    public Refusal? Check(Member member, long size) =>
        !access.For(member).ShareFiles ? new(AccessPolicy.SignInToShareFiles, StatusCodes.Status403Forbidden)
        : size < 0 ? new("A file's size cannot be negative.", StatusCodes.Status400BadRequest)
        : size > MaxFileBytes ? new($"The file is {size:N0} bytes; the limit is {MaxFileBytes:N0} bytes.", StatusCodes.Status413PayloadTooLarge)
        : null;
}
