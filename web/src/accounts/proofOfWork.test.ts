import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leadingZeroBits, solve } from './proofOfWork';

interface Vectors {
  solved: { challenge: string; difficulty: number; nonce: string; digest: string; previousNonce: string | null }[];
  leadingZeroBits: { digest: string; bits: number }[];
}
const vectors = JSON.parse(readFileSync(new URL('../../../tests/vectors/captcha.json', import.meta.url), 'utf8')) as Vectors;
const sha256hex = (text: string) => createHash('sha256').update(text).digest('hex');

describe('proof of work (tests/vectors/captcha.json, shared with C#)', () => {
  it.each(vectors.solved)('finds the known smallest nonce for "$challenge" at $difficulty bits', (v) => {
    expect(solve(v.challenge, v.difficulty)).toBe(v.nonce);
    expect(sha256hex(`${v.challenge}:${v.nonce}`)).toBe(v.digest);
    if (v.previousNonce !== null) {
      expect(leadingZeroBits(Buffer.from(sha256hex(`${v.challenge}:${v.previousNonce}`), 'hex'))).toBeLessThan(v.difficulty);
    }
  });

  it('counts leading zero bits from the top bit of the first byte', () => {
    for (const v of vectors.leadingZeroBits) expect(leadingZeroBits(Buffer.from(v.digest, 'hex'))).toBe(v.bits);
  });

  it('reports progress while it counts, and refuses a nonsensical difficulty', () => {
    const seen: number[] = [];
    const nonce = solve('parley captcha vector', 12, (p) => seen.push(p.tries / p.expected), 256);
    expect(nonce).toBe('1053');
    expect(seen).toEqual([0.0625, 0.125, 0.1875, 0.25]);
    expect(() => solve('x', -1)).toThrow(/difficulty/);
    expect(() => solve('x', 1.5)).toThrow(/difficulty/);
  });
});
