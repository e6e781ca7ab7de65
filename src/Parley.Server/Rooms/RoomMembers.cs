using System.Security.Cryptography;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Parley.Client.Protocol;
using Parley.Server.Storage;

namespace Parley.Server.Rooms;

/// <summary>Admits callers who hold the link, and lets a returning browser resume as the same member.</summary>
public sealed class RoomMembers(ParleyDb db, TimeProvider clock)
{
    public sealed record Admission(Room Room, string MemberId, byte[] MemberToken);

    public async Task<Admission> AdmitAsync(JoinRequest request, CancellationToken cancellationToken)
    {
        if (request is null || string.IsNullOrEmpty(request.RoomId) || request.RoomId.Length > 32)
            throw new HubException("Unknown room.");
        var room = await db.Rooms.AsNoTracking().SingleOrDefaultAsync(r => r.Id == request.RoomId, cancellationToken)
            ?? throw new HubException("Unknown room.");
        if (request.JoinKey is not { Length: 32 } ||
            !CryptographicOperations.FixedTimeEquals(SHA256.HashData(request.JoinKey), room.JoinVerifier))
            throw new HubException("Invalid join key: this link does not open this room.");

        if (request is { MemberId: { Length: <= 32 } memberId, MemberToken: { Length: 32 } token })
        {
            var member = await db.Members.AsNoTracking()
                .SingleOrDefaultAsync(m => m.Id == memberId && m.RoomId == room.Id, cancellationToken);
            if (member is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(token), member.TokenHash))
                return new Admission(room, member.Id, token);
        }

        var newToken = RandomNumberGenerator.GetBytes(32);
        var newMember = new Member
        {
            Id = RoomsApi.NewId(),
            RoomId = room.Id,
            TokenHash = SHA256.HashData(newToken),
            JoinedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Members.Add(newMember);
        await db.SaveChangesAsync(cancellationToken);
        return new Admission(room, newMember.Id, newToken);
    }
}
