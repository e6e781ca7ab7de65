using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Parley.Protocol;
using Parley.Server.Accounts;
using Parley.Server.Hosting;
using Parley.Server.Storage;

namespace Parley.Server.Rooms;

public static class RoomsApi
{
    public const string CreationRateLimit = "room-creation";

    /// <param name="Captcha">Asked of guests (when the captcha is on); signed-in callers send the antiforgery token instead.</param>
    public sealed record CreateRoomRequest(string? JoinVerifier, CaptchaSolution? Captcha = null);
    public sealed record CreateRoomResponse(string RoomId, string CreatorToken);

    public static RouteGroupBuilder MapRoomsApi(this IEndpointRouteBuilder app)
    {
        var rooms = app.MapGroup("/api/rooms");
        rooms.MapPost("/", CreateRoom).RequireRateLimiting(CreationRateLimit)
            .RequireAntiforgery(onlyWhenSignedIn: true).RequireCaptcha<CreateRoomRequest>(r => r.Captcha, onlyForGuests: true);
        return rooms;
    }

    static async Task<Results<Created<CreateRoomResponse>, ValidationProblem>> CreateRoom(
        CreateRoomRequest request, ParleyDb db, TimeProvider clock, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!TryDecodeVerifier(request.JoinVerifier, out var verifier))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["joinVerifier"] = ["A join verifier is the base64url SHA-256 of the join key (32 bytes)."],
            }, extensions: new Dictionary<string, object?> { [RefusalCodes.ProblemExtension] = RefusalCode.ArgumentInvalid.Wire() });

        var creatorToken = RandomNumberGenerator.GetBytes(32);
        var now = clock.GetUtcNow().UtcDateTime;
        var room = new Room
        {
            Id = Ids.New(),
            CreatedAt = now,
            LastActiveAt = now,
            JoinVerifier = verifier,
            Epoch = -1,
            CreatorTokenHash = SHA256.HashData(creatorToken),
        };
        db.Rooms.Add(room);
        await db.SaveChangesAsync(cancellationToken);
        ParleyMetrics.RoomCreated();
        loggers.CreateLogger(typeof(RoomsApi)).RoomCreated(room.Id);
        return TypedResults.Created($"/r/{room.Id}", new CreateRoomResponse(room.Id, Base64Url.Encode(creatorToken)));
    }

    static bool TryDecodeVerifier(string? text, out byte[] verifier)
    {
        verifier = [];
        if (string.IsNullOrEmpty(text) || text.Length > 64) return false;
        try { verifier = Base64Url.Decode(text); }
        catch (FormatException) { return false; }
        return verifier.Length == 32;
    }
}
