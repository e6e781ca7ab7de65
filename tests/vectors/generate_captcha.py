"""Regenerates captcha.json: known answers for the proof-of-work captcha (docs/protocol.md, "Captcha").

An independent implementation (Python hashlib) of the rule both solvers follow: the nonce is the
smallest decimal number from 0 up such that SHA-256(UTF-8 challenge || ":" || nonce) starts with
`difficulty` zero bits (bytes in order, each from its top bit). Checked by C# and TypeScript.
Not run by the tests.
"""
import hashlib, json

def leading_zero_bits(digest):
    bits = 0
    for byte in digest:
        if byte:
            return bits + 8 - byte.bit_length()
        bits += 8
    return bits

def digest(challenge, nonce):
    return hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()

def solve(challenge, difficulty):
    nonce = 0
    while leading_zero_bits(digest(challenge, nonce)) < difficulty:
        nonce += 1
    return str(nonce)

challenges = [
    ("parley captcha vector", 12),
    ("CfDJ8OHPxFRxtpFKpP-u0g6_fUAB2173pzlaxKrTl-ozwnjnLgHqdwTqiILskJhkXuDShLRNdPSWrnM8YzmdwaOMZUFyXAQT8OrCnwgOKNuFwPA_iuAww-1WLj8go8h6vqJTiefAkt7GfpqSyz1AJObRbL4", 16),
    ("short", 1),
]
solved = []
for challenge, difficulty in challenges:
    nonce = solve(challenge, difficulty)
    solved.append({
        "challenge": challenge, "difficulty": difficulty, "nonce": nonce,
        "digest": digest(challenge, nonce).hex(),
        # Every smaller nonce falls short: the first one before it, for a negative check.
        "previousNonce": str(int(nonce) - 1) if nonce != "0" else None,
    })

zero_bits = [{"digest": d.hex(), "bits": leading_zero_bits(d)} for d in [
    bytes(32), bytes([0x80]) + bytes(31), bytes([0x00, 0x01]) + bytes(30), bytes([0x00, 0x00, 0x0F]) + bytes(29), bytes([0xFF] * 32),
]]

with open("captcha.json", "w") as f:
    json.dump({"note": "Made by tests/vectors/generate_captcha.py", "solved": solved, "leadingZeroBits": zero_bits}, f, indent=2)
    f.write("\n")
