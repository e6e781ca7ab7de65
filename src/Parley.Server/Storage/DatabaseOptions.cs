namespace Parley.Server.Storage;

public enum DatabaseProvider
{
    /// <summary>One file in the data folder: one node, nothing to install.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server (<c>ConnectionStrings:Parley</c>) that several nodes share.</summary>
    PostgreSQL,
}

/// <summary>Settings under "Parley:Database" (environment: Parley__Database__Provider).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Parley:Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}
