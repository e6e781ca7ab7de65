// The captcha's proof of work (docs/protocol.md, "Captcha"), the same rule as Parley.Client's
// ProofOfWork: the smallest decimal nonce from 0 up such that SHA-256(UTF-8 challenge ":" nonce)
// starts with `difficulty` zero bits. Runs in a Web Worker (captchaWorker.ts): it blocks while it counts.
import { sha256 } from '@noble/hashes/sha2.js';

/** Zero bits before the first one bit, reading bytes in order and each byte from its top bit. */
export function leadingZeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte !== 0) return bits + Math.clz32(byte) - 24;
    bits += 8;
  }
  return bits;
}

export interface SolveProgress {
  /** Nonces tried so far. */
  tries: number;
  /** Tries a solution takes on average (2^difficulty). */
  expected: number;
}

/**
 * Counts up until a nonce solves the challenge. The hash state after `challenge:` is computed
 * once; each try hashes only the nonce's digits on a copy of it, so a try costs one SHA-256 block.
 * Bounded: after 2^(difficulty + 8) tries (odds of about e^-256) it gives up.
 */
export function solve(
  challenge: string,
  difficulty: number,
  onProgress?: (progress: SolveProgress) => void,
  progressEvery = 1 << 16,
): string {
  if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > 64) throw new Error(`Bad difficulty ${difficulty}`);
  const prefix = sha256.create().update(new TextEncoder().encode(`${challenge}:`));
  const scratch = prefix.clone();
  const digest = new Uint8Array(32);
  const digits = new Uint8Array(20);
  const expected = 2 ** difficulty;
  const limit = 2 ** Math.min(difficulty + 8, 53);
  for (let nonce = 0; nonce < limit; nonce++) {
    const length = writeDecimal(nonce, digits);
    prefix._cloneInto(scratch).update(digits.subarray(0, length)).digestInto(digest);
    if (leadingZeroBits(digest) >= difficulty) return String(nonce);
    if (onProgress && nonce % progressEvery === progressEvery - 1) onProgress({ tries: nonce + 1, expected });
  }
  throw new Error(`No solution within ${limit} tries`);
}

/** ASCII digits of a non-negative safe integer into `out`; returns how many. */
function writeDecimal(value: number, out: Uint8Array): number {
  let length = 0;
  do {
    out[length++] = 48 + (value % 10);
    value = Math.floor(value / 10);
  } while (value > 0);
  out.subarray(0, length).reverse();
  return length;
}
