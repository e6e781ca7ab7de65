using Microsoft.AspNetCore.Diagnostics;
using Parley.Protocol;
using Parley.Server.Hosting;

namespace Parley.Server.Storage;

/// <summary>An HTTP request whose write hit a full disk answers 507 <c>storage-full</c>, not a bare 500.
/// What it wrote was written aside or in a transaction, and is gone by the time this runs.</summary>
public sealed class StorageFullHandler(ILogger<StorageFullHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!DiskFull.Is(exception)) return false;
        log.LogWarning("Refused {Method} {Path}: the disk is full", http.Request.Method, http.Request.Path);
        await Problems.Refused(RefusalCode.StorageFull, DiskFull.Text, StatusCodes.Status507InsufficientStorage, "Storage full")
            .ExecuteAsync(http);
        return true;
    }
}
