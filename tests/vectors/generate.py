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
    kdf.append({"linkSecret": b64url(secret), "joinKey": join.hex(), "joinVerifier": b64url(hashlib.sha256(join).digest())})

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

# File chunks: deterministic IV from the chunk index, fileId/index/last bound in the associated data.
# A small chunk size keeps the vectors short; the real size is 1 MiB and changes nothing else.
files = []
for n, (file_id, plain, chunk) in enumerate([("F1leIdAAAAAAAAAAAAAAAA", b"", 16),
                                             ("F1leIdBBBBBBBBBBBBBBBB", bytes(range(40)), 16),
                                             ("F1leIdCCCCCCCCCCCCCCCC", b"exactly 32 bytes of plaintext!!!", 16)]):
    key = hashlib.sha256(b"file key %d" % n).digest()
    pieces = [plain[i:i + chunk] for i in range(0, len(plain), chunk)] or [b""]
    chunks = []
    for i, piece in enumerate(pieces):
        last = "1" if i == len(pieces) - 1 else "0"
        iv = bytes(4) + i.to_bytes(8, "big")
        ad = f"parley/v1|file|{file_id}|{i}|{last}"
        chunks.append({"index": i, "associatedData": ad, "iv": iv.hex(),
                       "ciphertext": AESGCM(key).encrypt(iv, piece, ad.encode()).hex()})
    files.append({"fileId": file_id, "key": b64url(key), "chunkBytes": chunk, "plaintext": plain.hex(), "chunks": chunks})

with open("envelopes.json", "w") as f:
    json.dump({"kdf": kdf, "envelopes": envelopes, "fileChunks": files}, f, indent=2, ensure_ascii=False)
    f.write("\n")
