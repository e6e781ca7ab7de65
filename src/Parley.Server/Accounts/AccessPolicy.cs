using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Rooms;

namespace Parley.Server.Accounts;

/// <summary>Settings under "Parley:Policy": what guests may do besides coding and chatting. Signed-in people may do all of it.</summary>
public sealed class PolicyOptions
{
    public const string Section = "Parley:Policy";

    public bool GuestsMayShareFiles { get; set; }
    public bool GuestsMayProtectRooms { get; set; }
    public bool GuestsMayNameRooms { get; set; }
}

/// <summary>
/// The one place that says what guests and signed-in people may do (DESIGN.md section 1). File
/// uploads, room passwords and room names ask here; nothing else branches on being signed in.
/// </summary>
public sealed class AccessPolicy(IOptions<PolicyOptions> options)
{
    public const string SignInToShareFiles = "Sign in to share files.";
    public const string SignInToProtectRoom = "Sign in to protect a room with a password.";
    public const string SignInToNameRoom = "Sign in to name the room.";

    static readonly MemberAbilities Everything = new(ShareFiles: true, ProtectRoom: true, NameRoom: true);

    public MemberAbilities For(bool signedIn)
    {
        var guests = options.Value;
        return signedIn ? Everything : new(guests.GuestsMayShareFiles, guests.GuestsMayProtectRooms, guests.GuestsMayNameRooms);
    }

    /// <summary>A member counts as signed in once it has joined with an account (see MemberAccounts).</summary>
    public MemberAbilities For(Member member) => For(member.UserId is not null);

    /// <summary>Refuses, with the code that tells the client to offer signing in, what the abilities do not allow.</summary>
    public static void Require(MemberAbilities abilities, Ability ability)
    {
        if (Allows(abilities, ability)) return;
        throw ability switch
        {
            Ability.ShareFiles => new Refusal(RefusalCode.SignInToShareFiles, SignInToShareFiles),
            Ability.ProtectRoom => new Refusal(RefusalCode.SignInToProtectRoom, SignInToProtectRoom),
            _ => new Refusal(RefusalCode.SignInToNameRoom, SignInToNameRoom),
        };
    }

    public static bool Allows(MemberAbilities abilities, Ability ability) => ability switch
    {
        Ability.ShareFiles => abilities.ShareFiles,
        Ability.ProtectRoom => abilities.ProtectRoom,
        Ability.NameRoom => abilities.NameRoom,
        _ => false,
    };
}

/// <summary>What the policy may keep from guests (the fields of <see cref="MemberAbilities"/>).</summary>
public enum Ability { ShareFiles, ProtectRoom, NameRoom }
