"""Regenerates keys.json: known vectors for device keys, link proofs and grants (docs/protocol.md, "Keys").

Made by a third implementation (Python `cryptography`), checked by both C# and TypeScript. RSA-OAEP
and ECDSA are randomized, so the vectors give private keys and check unwrapping and verifying.
Not run by the tests.
"""
import base64, hashlib, hmac, json
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

def b64url(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
def hkdf(secret, info): return HKDF(hashes.SHA256(), 32, b"parley/v1", info.encode()).derive(secret)
def spki(key): return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
def pkcs8(key): return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())

def fingerprint(wrap, sign):
    digest = hashlib.sha256(wrap + sign).digest()
    return " ".join("%05d" % (int.from_bytes(digest[i:i + 5], "big") % 100000) for i in range(0, 30, 5))

devices = []
for n in range(2):
    wrap = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    sign = ec.generate_private_key(ec.SECP256R1())
    devices.append((wrap, sign))

link_secret = hashlib.sha256(b"parley link vector").digest()
room_id = "R00mVectorAAAAAAAAAAAA"
proof_key = hkdf(link_secret, "link-proof")
out = {"linkSecret": b64url(link_secret), "roomId": room_id, "linkProofKey": proof_key.hex(),
       "lobbyKey": hkdf(link_secret, "lobby-key").hex(), "devices": [], "grants": []}

for wrap, sign in devices:
    w, s = spki(wrap), spki(sign)
    proof = hmac.new(proof_key, f"parley/v1|link-proof|{room_id}|".encode() + w + s, hashlib.sha256).digest()
    out["devices"].append({"wrapKey": w.hex(), "signKey": s.hex(), "wrapPrivatePkcs8": pkcs8(wrap).hex(),
                           "signPrivatePkcs8": pkcs8(sign).hex(), "fingerprint": fingerprint(w, s),
                           "linkProof": proof.hex()})

# Device 1 (granter, member "GranterMemberIdAAAAAAA") grants epoch keys to device 0 (member "GranteeMemberIdAAAAAAA").
for epoch in (0, 7):
    room_key = hashlib.sha256(b"room key %d" % epoch).digest()
    wrapped = devices[0][0].public_key().encrypt(room_key, padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None))
    grantee, granter = "GranteeMemberIdAAAAAAA", "GranterMemberIdAAAAAAA"
    signed = f"parley/v1|grant|{room_id}|{epoch}|{grantee}|{granter}|".encode() + wrapped
    r, s = decode_dss_signature(devices[1][1].sign(signed, ec.ECDSA(hashes.SHA256())))
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    out["grants"].append({"epoch": epoch, "memberId": grantee, "granterId": granter, "roomKey": room_key.hex(),
                          "wrappedKey": wrapped.hex(), "signedData": signed.hex(), "signature": signature.hex()})

with open("keys.json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
