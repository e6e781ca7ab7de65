using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Accounts;
using Parley.Server.Hosting;
using Parley.Server.Storage;
using Parley.Server.Throttling;

namespace Parley.Server.Rooms;

public static class RoomsApi
{
    /// <param name="Captcha">Asked of guests (when the captcha is on); signed-in callers send the antiforgery token instead.</param>
    public sealed record CreateRoomRequest(string? JoinVerifier, CaptchaSolution? Captcha = null);
    public sealed record CreateRoomResponse(string RoomId, string CreatorToken);

    public static RouteGroupBuilder MapRoomsApi(this IEndpointRouteBuilder app)
    {
        var rooms = app.MapGroup("/api/rooms");
        rooms.MapPost("/", CreateRoom).LimitCreationsPerAddress()
            .RequireAntiforgery(onlyWhenSignedIn: true).RequireCaptcha<CreateRoomRequest>(r => r.Captcha, onlyForGuests: true);
        return rooms;
    }

    /// <summary>
    /// <see cref="ParleyOptions.RoomsPerMinute"/> creations per client address, counted across every
    /// node (ILimitStore); checked before the captcha, so a flood costs the server least.
    /// </summary>
    static RouteHandlerBuilder LimitCreationsPerAddress(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var perMinute = http.RequestServices.GetRequiredService<IOptions<ParleyOptions>>().Value.RoomsPerMinute;
            if (await http.RequestServices.GetRequiredService<ILimitStore>()
                    .TryTakeAsync(new LimitKey("room-creation", ClientAddress.KeyOf(http)), perMinute, TimeSpan.FromMinutes(1)))
                return await next(context);
            ParleyMetrics.RateLimitHit("rooms");
            return Problems.Refused(RefusalCode.RateLimited, "Too many rooms created from this address: wait a minute.",
                StatusCodes.Status429TooManyRequests);
        });

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
            EpochStartedAt = now,
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
