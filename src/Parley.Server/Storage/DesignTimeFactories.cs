using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Parley.Server.Storage;

// For `dotnet ef migrations add … --context SqliteParleyDb|PostgresParleyDb`: each provider's context
// without a host or a database (docs/testing.md says how the migrations are made).

sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteParleyDb>
{
    public SqliteParleyDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteParleyDb>().UseSqlite("Data Source=design-time.db").Options);
}

sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresParleyDb>
{
    public PostgresParleyDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresParleyDb>().UseNpgsql("Host=localhost;Database=parley_design_time").Options);
}
