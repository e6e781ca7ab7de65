using Microsoft.AspNetCore.Diagnostics;
using Parley.Protocol;
using Parley.Server.Hosting;

namespace Parley.Server.Storage;

/// <summary>A chunk that is not stored: never placed, or deleted (perhaps by another node) while its row was being read.</summary>
public sealed class BlobMissingException(string message, Exception? inner = null) : FileNotFoundException(message, inner);

/// <summary>
/// A download that found its file's row just before another node deleted the file answers what it
/// would have answered a moment later, 404 <c>file-unknown</c>, instead of a bare 500. (Once the
/// first bytes are sent the response can only be cut off; the client refuses a file cut short.)
/// </summary>
public sealed class BlobMissingHandler(ILogger<BlobMissingHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not BlobMissingException) return false;
        log.LogWarning("{Method} {Path}: the file was deleted while it was being read", http.Request.Method, http.Request.Path);
        await Problems.Refused(RefusalCode.FileUnknown, "No such file in this room.", StatusCodes.Status404NotFound).ExecuteAsync(http);
        return true;
    }
}
