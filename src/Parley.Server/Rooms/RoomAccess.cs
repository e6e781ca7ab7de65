using Parley.Server.Accounts;

namespace Parley.Server.Rooms;

/// <summary>
/// Who may call a room's hub method or HTTP endpoint: RoomAuthorization (hub) and MemberAuth (HTTP)
/// read it. Every public hub method carries exactly one (a test holds it to that).
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public abstract class RoomAccessAttribute : Attribute;

/// <summary>Anyone connected: the call itself decides (JoinRoom checks the link, the password and the lobby).</summary>
public sealed class AnyoneAttribute : RoomAccessAttribute;

/// <summary>The caller joined the room named by the <c>roomId</c> argument (on this hub connection) and was not shut out since.</summary>
public class RoomMemberAttribute : RoomAccessAttribute;

/// <summary>A member the access policy lets do <see cref="Ability"/> (guests may not, by default).</summary>
public sealed class RequiresAttribute(Ability ability) : RoomMemberAttribute
{
    public Ability Ability { get; } = ability;
}

/// <summary>The room's creator; with an ability, one the policy lets do it.</summary>
public sealed class RoomCreatorAttribute : RoomMemberAttribute
{
    public RoomCreatorAttribute() { }
    public RoomCreatorAttribute(Ability ability) => Ability = ability;

    public Ability? Ability { get; }
}
