using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Parley.Protocol;
using Parley.Server.Accounts;
using Parley.Server.Hosting;
using Parley.Server.Storage;

namespace Parley.Server.Rooms;

/// <summary>
/// HTTP counterpart of the hub's RoomAuthorization, the one filter on the room group: a request under
/// /api/rooms/{roomId}/… must carry `Authorization: ParleyMember {memberId}:{token}` of a member of
/// that room. Anyone else gets 404, so a room's existence is not revealed to outsiders. An endpoint's
/// <see cref="RequiresAttribute"/> adds what the policy must let the member do.
/// </summary>
public sealed class MemberAuth(ParleyDb db, AccessPolicy policy) : IEndpointFilter
{
    const string Scheme = "ParleyMember ";
    const string ItemKey = "parley.member";

    public static Member Caller(HttpContext http) => (Member)http.Items[ItemKey]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var member = await AuthenticateAsync(http.Request.RouteValues["roomId"] as string,
            http.Request.Headers.Authorization.ToString(), http.RequestAborted);
        if (member is null) return Problems.Refused(RefusalCode.NotMember, "No such room, or you are not a member of it.", 404);
        if (http.GetEndpoint()?.Metadata.GetMetadata<RequiresAttribute>() is { } requires)
        {
            try { AccessPolicy.Require(policy.For(member), requires.Ability); }
            catch (Refusal refused) { return Problems.Refused(refused.Code, refused.Message, StatusCodes.Status403Forbidden); }
        }
        http.Items[ItemKey] = member;
        return await next(context);
    }

    async Task<Member?> AuthenticateAsync(string? roomId, string header, CancellationToken ct)
    {
        if (roomId is null || !header.StartsWith(Scheme, StringComparison.Ordinal)) return null;
        var parts = header[Scheme.Length..].Split(':');
        if (parts is not [var memberId, { Length: > 0 and <= 64 } tokenText] || !Ids.IsWellFormed(memberId)) return null;
        byte[] token;
        try { token = Base64Url.Decode(tokenText); }
        catch (FormatException) { return null; }
        var member = await db.Members.AsNoTracking().SingleOrDefaultAsync(m => m.Id == memberId && m.RoomId == roomId, ct);
        // Admitted only: a lobby guest (waiting or refused) is no member of the room's files either.
        return member is { KickedAt: null, DepartedAt: null, Admission: MemberAdmission.Admitted }
               && CryptographicOperations.FixedTimeEquals(SHA256.HashData(token), member.TokenHash)
            ? member
            : null;
    }
}

public static class MemberAuthRoutes
{
    /// <summary>The routes under /api/rooms/{roomId} that only the room's members may call.</summary>
    public static RouteGroupBuilder MapRoomMemberGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/rooms/{roomId}").AddEndpointFilter<MemberAuth>();
}
