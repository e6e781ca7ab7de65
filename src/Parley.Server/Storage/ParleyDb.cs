using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Accounts;
using Parley.Server.Chat;
using Parley.Server.Files;
using Parley.Server.Rooms;
using Parley.Server.Sync;

namespace Parley.Server.Storage;

/// <summary>
/// Parley's tables, on either database (<see cref="DatabaseOptions"/>): the code asks for this class;
/// one of the two subclasses below is what runs, each with its own migrations
/// (Storage/Migrations/Sqlite, Storage/Migrations/PostgreSQL).
/// </summary>
public abstract class ParleyDb(DbContextOptions options) : IdentityDbContext<ParleyUser>(options), IDataProtectionKeyContext
{
    /// <summary>ASP.NET Data Protection's keys (cookies, antiforgery, captcha), shared by every node.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Room> Rooms => Set<Room>();
    public DbSet<Member> Members => Set<Member>();
    public DbSet<EndedRoom> EndedRooms => Set<EndedRoom>();
    public DbSet<DocUpdateRow> DocUpdates => Set<DocUpdateRow>();
    public DbSet<DocSnapshotRow> DocSnapshots => Set<DocSnapshotRow>();
    public DbSet<PendingSnapshotRow> PendingSnapshots => Set<PendingSnapshotRow>();
    public DbSet<ChatMessageRow> ChatMessages => Set<ChatMessageRow>();
    public DbSet<FileRow> Files => Set<FileRow>();
    public DbSet<FileChunkRow> FileChunks => Set<FileChunkRow>();
    public DbSet<Keys.GrantRow> Grants => Set<Keys.GrantRow>();
    public DbSet<FileManager.EntryRow> Entries => Set<FileManager.EntryRow>();
    public DbSet<FileManager.ActivityRow> Activity => Set<FileManager.ActivityRow>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        base.OnModelCreating(model); // Identity's tables
        model.ApplyConfigurationsFromAssembly(typeof(ParleyDb).Assembly);
    }
}

public sealed class SqliteParleyDb(DbContextOptions<SqliteParleyDb> options) : ParleyDb(options);

public sealed class PostgresParleyDb(DbContextOptions<PostgresParleyDb> options) : ParleyDb(options);
