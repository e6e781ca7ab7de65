using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Rooms;

namespace Parley.Server.Files;

/// <summary>
/// Who may attach what: the one place for it. Every member may attach files up to the size limit;
/// when accounts arrive, restricting attachments to signed-in members changes only this class.
/// </summary>
public sealed class FilePolicy(IOptions<ParleyOptions> options)
{
    public long MaxFileBytes => options.Value.MaxFileBytes;

    /// <returns>Why the member may not attach this file, or null when they may.</returns>
    public string? Refusal(Member member, long size) =>
        size < 0 ? "A file's size cannot be negative."
        : size > MaxFileBytes ? $"The file is {size:N0} bytes; the limit is {MaxFileBytes:N0} bytes."
        : null;
}
