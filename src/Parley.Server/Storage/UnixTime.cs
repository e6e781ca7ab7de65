namespace Parley.Server.Storage;

/// <summary>Stored times are UTC <see cref="DateTime"/>s; the wire carries Unix milliseconds (clients show them in local time).</summary>
public static class UnixTime
{
    /// <summary>A stored time as Unix milliseconds (the database may hand it back with an unspecified kind: it is UTC).</summary>
    public static long Milliseconds(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
}
