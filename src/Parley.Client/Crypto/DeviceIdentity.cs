using System.Security.Cryptography;
using Parley.Protocol;

namespace Parley.Client.Crypto;

/// <summary>
/// A device's two key pairs (docs/protocol.md, "Device identity"): RSA-OAEP 3072 to receive room
/// keys, ECDSA P-256 to sign grants. The browser keeps the private halves non-extractable in
/// IndexedDB; here they live as long as the object.
/// </summary>
public sealed class DeviceIdentity : IDisposable
{
    public const int RsaBits = Limits.RsaBits;
    readonly RSA wrap;
    readonly ECDsa sign;

    public DeviceIdentity(RSA wrap, ECDsa sign)
    {
        this.wrap = wrap;
        this.sign = sign;
        Keys = new DeviceKeys(wrap.ExportSubjectPublicKeyInfo(), sign.ExportSubjectPublicKeyInfo());
    }

    public static DeviceIdentity Create() => new(RSA.Create(RsaBits), ECDsa.Create(ECCurve.NamedCurves.nistP256));

    static readonly Lazy<DeviceIdentity> ThisProcess = new(Create);

    /// <summary>
    /// One identity per process, as a browser profile has one: made on first use (an RSA-3072 key
    /// takes a good fraction of a second to make), then shared by every room this process joins.
    /// </summary>
    public static DeviceIdentity ForThisProcess => ThisProcess.Value;

    /// <summary>From PKCS#8 private keys (the known vectors).</summary>
    public static DeviceIdentity FromPkcs8(byte[] wrapPrivate, byte[] signPrivate)
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(wrapPrivate, out _);
        var ec = ECDsa.Create();
        ec.ImportPkcs8PrivateKey(signPrivate, out _);
        return new DeviceIdentity(rsa, ec);
    }

    public DeviceKeys Keys { get; }

    /// <summary>The private halves (PKCS#8), for a store the application keeps sealed: a session's outbox
    /// file, so that the process after a crash resumes the member on the device its grants were wrapped for.</summary>
    internal (byte[] Wrap, byte[] Sign) ExportPkcs8() => (wrap.ExportPkcs8PrivateKey(), sign.ExportPkcs8PrivateKey());

    public string Fingerprint => KeyGrants.Fingerprint(Keys);

    public byte[] Unwrap(byte[] wrappedKey) => wrap.Decrypt(wrappedKey, RSAEncryptionPadding.OaepSHA256);

    public byte[] Sign(byte[] data) => sign.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public void Dispose()
    {
        wrap.Dispose();
        sign.Dispose();
    }
}
