"""Regenerates envelopes.json: known vectors for the key derivation and envelope format.

A third, independent implementation (Python `cryptography`) so that the C# and TypeScript
sides are both checked against something that is neither of them. Not run by the tests.
"""
import base64, hashlib, json
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives import hashes

def b64url(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
def hkdf(secret, info): return HKDF(hashes.SHA256(), 32, b"parley/v1", info.encode()).derive(secret)

kdf = []
for i, secret in enumerate([bytes(range(32)), hashlib.sha256(b"parley vector 2").digest()]):
    join = hkdf(secret, "join-key")
    kdf.append({"linkSecret": b64url(secret), "roomKey": hkdf(secret, "room-key/epoch/0").hex(),
                "joinKey": join.hex(), "joinVerifier": b64url(hashlib.sha256(join).digest()),
                "roomName": hkdf(secret, "room-name").hex()})

envelopes = []
cases = [("Qx7pL2mN9vR4tY8wZ1aB3c", "doc-update", 0, "m0nEYb7Kq2Xr5Tz8Wc1dFg", b"hello, parley"),
         ("Qx7pL2mN9vR4tY8wZ1aB3c", "awareness", 0, "m0nEYb7Kq2Xr5Tz8Wc1dFg", b""),
         ("r00m-With_Symbols-0123", "doc-snapshot", 7, "sender-\u00e9", "caf\u00e9 \u2603 code".encode())]
for n, (room, kind, epoch, sender, plain) in enumerate(cases):
    key = hashlib.sha256(b"key %d" % n).digest()
    iv = hashlib.sha256(b"iv %d" % n).digest()[:12]
    ad = f"parley/v1|{room}|{kind}|{epoch}|{sender}"
    ct = AESGCM(key).encrypt(iv, plain, ad.encode())
    envelopes.append({"key": key.hex(), "roomId": room, "kind": kind, "epoch": epoch, "sender": sender,
                      "iv": iv.hex(), "plaintext": plain.hex(), "associatedData": ad, "ciphertext": ct.hex()})

with open("envelopes.json", "w") as f:
    json.dump({"kdf": kdf, "envelopes": envelopes}, f, indent=2, ensure_ascii=False)
    f.write("\n")
