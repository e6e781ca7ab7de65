using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Parley.Protocol;
using Parley.Server.Storage;

namespace Parley.Server.Accounts;

/// <summary>Ties a member to the account it joined with, and says what a member may do.</summary>
public sealed class MemberAccounts(ParleyDb db, AccessPolicy policy, UserManager<ParleyUser> users)
{
    /// <summary>
    /// Records the caller's account on the member, once: a member who joined signed in keeps its
    /// abilities when it comes back signed out, and another account cannot take it over.
    /// </summary>
    /// <returns>What the member may do now.</returns>
    /// <param name="hasAccount">Whether the member's row, as the join just read or made it, names an account.</param>
    public async Task<MemberAbilities> JoinedAsync(string memberId, bool hasAccount, ClaimsPrincipal? caller, CancellationToken ct)
    {
        if (!hasAccount && caller is not null && users.GetUserId(caller) is { } userId)
        {
            // No row changed: another join of this member tied it first. Either way it has an account now.
            await db.Members.Where(m => m.Id == memberId && m.UserId == null)
                .ExecuteUpdateAsync(m => m.SetProperty(x => x.UserId, userId), ct);
            hasAccount = true;
        }
        return policy.For(hasAccount);
    }

    public async Task<MemberAbilities> AbilitiesAsync(string memberId, CancellationToken ct) =>
        policy.For(await db.Members.Where(m => m.Id == memberId).Select(m => m.UserId).SingleOrDefaultAsync(ct) is not null);
}
