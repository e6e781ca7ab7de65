using System.Security.Cryptography;
using System.Text.Json;
using Parley.Client.Crypto;
using Parley.Protocol;

namespace Parley.Server.Tests;

/// <summary>tests/vectors/keys.json (made by a Python implementation) is checked here and by web/src/crypto.</summary>
public class KeyVectorTests
{
    static readonly JsonElement Vectors =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "keys.json"))).RootElement;

    static byte[] Hex(JsonElement e, string name) => Convert.FromHexString(e.GetProperty(name).GetString()!);
    static string RoomId => Vectors.GetProperty("roomId").GetString()!;
    static RoomSecrets Secrets => RoomSecrets.FromLinkSecret(Vectors.GetProperty("linkSecret").GetString()!);

    static DeviceIdentity Device(int i)
    {
        var d = Vectors.GetProperty("devices")[i];
        return DeviceIdentity.FromPkcs8(Hex(d, "wrapPrivatePkcs8"), Hex(d, "signPrivatePkcs8"));
    }

    static MemberKeys Member(int i, string id)
    {
        var d = Vectors.GetProperty("devices")[i];
        return new MemberKeys(id, Hex(d, "wrapKey"), Hex(d, "signKey"), Hex(d, "linkProof"));
    }

    static Grant GrantOf(JsonElement g) => new(g.GetProperty("epoch").GetInt32(), g.GetProperty("memberId").GetString()!,
        g.GetProperty("granterId").GetString()!, Hex(g, "wrappedKey"), Hex(g, "signature"));

    [Fact]
    public void Link_secret_derives_the_known_proof_and_lobby_keys()
    {
        Assert.Equal(Hex(Vectors, "linkProofKey"), Secrets.LinkProofKey);
        Assert.Equal(Hex(Vectors, "lobbyKey"), Secrets.LobbyKey);
    }

    [Theory, InlineData(0), InlineData(1)]
    public void Device_keys_give_the_known_fingerprint_and_link_proof(int i)
    {
        using var device = Device(i);
        var d = Vectors.GetProperty("devices")[i];
        Assert.Equal(Hex(d, "wrapKey"), device.Keys.WrapKey);
        Assert.Equal(Hex(d, "signKey"), device.Keys.SignKey);
        Assert.Equal(d.GetProperty("fingerprint").GetString(), device.Fingerprint);
        Assert.Equal(Hex(d, "linkProof"), KeyGrants.LinkProof(Secrets, RoomId, device.Keys));
        Assert.True(KeyGrants.ProofHolds(Secrets, RoomId, Member(i, "m")));
        Assert.False(KeyGrants.ProofHolds(RoomSecrets.FromLinkSecret(RoomSecrets.NewLinkSecret()), RoomId, Member(i, "m")));
    }

    public static TheoryData<int> GrantCases() => new(Enumerable.Range(0, Vectors.GetProperty("grants").GetArrayLength()));

    [Theory, MemberData(nameof(GrantCases))]
    public void Known_grant_verifies_and_unwraps_to_the_room_key(int index)
    {
        var g = Vectors.GetProperty("grants")[index];
        var grant = GrantOf(g);
        using var grantee = Device(0);
        Assert.Equal(Hex(g, "signedData"), KeyGrants.SignedData(RoomId, grant.Epoch, grant.MemberId, grant.GranterId, grant.WrappedKey));
        Assert.Equal(Hex(g, "roomKey"), KeyGrants.Open(grantee, RoomId, grant, Member(1, grant.GranterId).SignKey));
    }

    [Theory, MemberData(nameof(GrantCases))]
    public void Grant_with_a_changed_byte_or_the_wrong_signer_is_refused(int index)
    {
        var grant = GrantOf(Vectors.GetProperty("grants")[index]);
        using var grantee = Device(0);
        var granterKey = Member(1, grant.GranterId).SignKey;
        var flipped = (byte[])grant.WrappedKey.Clone();
        flipped[7] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => KeyGrants.Open(grantee, RoomId, grant with { WrappedKey = flipped }, granterKey));
        Assert.ThrowsAny<CryptographicException>(() => KeyGrants.Open(grantee, RoomId, grant with { Epoch = grant.Epoch + 1 }, granterKey));
        Assert.ThrowsAny<CryptographicException>(() => KeyGrants.Open(grantee, RoomId, grant, Member(0, "x").SignKey));
    }

    [Fact]
    public void A_grant_made_here_opens_with_the_grantees_private_key_only()
    {
        using var granter = Device(1);
        using var grantee = Device(0);
        var key = KeyGrants.NewRoomKey();
        var grant = KeyGrants.Make(granter, "G", RoomId, 3, Member(0, "M"), key);
        Assert.Equal(key, KeyGrants.Open(grantee, RoomId, grant, granter.Keys.SignKey));
        Assert.ThrowsAny<CryptographicException>(() => KeyGrants.Open(granter, RoomId, grant, granter.Keys.SignKey));
    }
}
