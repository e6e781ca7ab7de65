using System.Security.Cryptography;
using Parley.Protocol;
using Parley.Server.Keys;

namespace Parley.Server.Tests;

/// <summary>
/// A new member's device keys must be an RSA-3072 key and a P-256 point in SPKI, nothing more and
/// nothing else: what the server admits, every member's client has to import.
/// </summary>
public class DeviceKeyRulesTests
{
    static readonly Lazy<byte[]> Rsa3072 = new(() => { using var k = RSA.Create(3072); return k.ExportSubjectPublicKeyInfo(); });
    static readonly Lazy<byte[]> P256 = new(() => { using var k = ECDsa.Create(ECCurve.NamedCurves.nistP256); return k.ExportSubjectPublicKeyInfo(); });
    static readonly byte[] Proof = new byte[Limits.LinkProofBytes];

    static void Check(byte[] wrap, byte[] sign, byte[]? proof = null) =>
        DeviceKeyRules.CheckNewMember(new DeviceKeys(wrap, sign), proof ?? Proof);

    static void Refused(byte[] wrap, byte[] sign, byte[]? proof = null) =>
        Assert.Equal(RefusalCode.DeviceKeysMalformed, Assert.Throws<Refusal>(() => Check(wrap, sign, proof)).Code);

    static byte[] With(byte[] bytes, Action<byte[]> change)
    {
        var copy = bytes.ToArray();
        change(copy);
        return copy;
    }

    [Fact]
    public void An_RSA_3072_key_and_a_P256_key_are_admitted()
    {
        Check(Rsa3072.Value, P256.Value);
        // Keys as the .NET client makes them, for good measure.
        using var device = Parley.Client.Crypto.DeviceIdentity.Create();
        DeviceKeyRules.CheckNewMember(device.Keys, Proof);
    }

    [Fact]
    public void Other_RSA_sizes_are_refused()
    {
        using var rsa2048 = RSA.Create(2048);
        Refused(rsa2048.ExportSubjectPublicKeyInfo(), P256.Value);
        using var rsa4096 = RSA.Create(4096);
        Refused(rsa4096.ExportSubjectPublicKeyInfo(), P256.Value);
    }

    [Fact]
    public void Other_curves_and_key_types_are_refused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Refused(Rsa3072.Value, p384.ExportSubjectPublicKeyInfo());
        Refused(P256.Value, P256.Value); // an EC key where the RSA key goes
        using var small = RSA.Create(1024);
        Refused(Rsa3072.Value, small.ExportSubjectPublicKeyInfo()); // an RSA key where the signing key goes
    }

    [Fact]
    public void A_point_off_the_curve_is_refused()
    {
        // The point is the last 65 bytes: 04 || X || Y. Changing Y's last bit moves it off the curve.
        Refused(Rsa3072.Value, With(P256.Value, k => k[^1] ^= 1));
        // A compressed point, or a point with another prefix.
        Refused(Rsa3072.Value, With(P256.Value, k => k[^65] = 0x05));
    }

    [Fact]
    public void Trailing_bytes_truncation_and_garbage_are_refused()
    {
        Refused([.. Rsa3072.Value, 0], P256.Value);
        Refused(Rsa3072.Value, [.. P256.Value, 0]);
        Refused(Rsa3072.Value[..^1], P256.Value);
        Refused(Rsa3072.Value, P256.Value[..^1]);
        Refused(new byte[Rsa3072.Value.Length], P256.Value);
        Refused(Rsa3072.Value, new byte[P256.Value.Length]);
        Refused([], P256.Value);
        Refused(Rsa3072.Value, []);
    }

    [Fact]
    public void A_link_proof_of_another_length_is_refused()
    {
        Refused(Rsa3072.Value, P256.Value, new byte[Limits.LinkProofBytes - 1]);
        Refused(Rsa3072.Value, P256.Value, []);
    }
}
