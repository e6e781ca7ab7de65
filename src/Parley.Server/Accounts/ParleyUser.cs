using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.Rooms;

namespace Parley.Server.Accounts;

/// <summary>A registered person: the server knows the user name and a password hash, nothing they write.</summary>
public sealed class ParleyUser : IdentityUser;

/// <summary>
/// The account side of a member (the rest of Member is configured in Rooms). No foreign key: on
/// SQLite adding one rebuilds the Members table, and a member who joined signed in stays so.
/// </summary>
sealed class MemberAccountConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> member) => member.Property(m => m.UserId).HasMaxLength(450);
}
