import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits';
import { errorText, REFUSAL_WORDS } from './refusalWords';
import { hubRefusal } from './testing/hubRefusal';
import { hubMessage, parseHubMessage, problemCodeOf, REFUSAL_CODES, refusalCodeOf, refusalOf } from './refusals';

// The catalog both sides check themselves against (Parley.Protocol does the same in C#).
const vectors = JSON.parse(readFileSync(new URL('../../../tests/vectors/refusals.json', import.meta.url), 'utf8')) as {
  wireFormat: { hubMessage: string; codePattern: string; problemDetailsExtension: string; examples: { wire: string; code: string | null; text: string }[] };
  codes: Record<string, string>;
  limits: Record<string, number>;
};

describe('the refusal catalog', () => {
  it('lists exactly the codes this client knows, each in the wire spelling', () => {
    expect([...REFUSAL_CODES].sort()).toEqual(Object.keys(vectors.codes).sort());
    const pattern = new RegExp(vectors.wireFormat.codePattern);
    for (const code of REFUSAL_CODES) expect(code).toMatch(pattern);
  });

  it('holds the same limits as the server', () => {
    expect(LIMITS).toEqual(vectors.limits);
  });

  it('parses every wire example as the catalog lists it', () => {
    for (const { wire, code, text } of vectors.wireFormat.examples) {
      expect(parseHubMessage(wire)).toEqual({ code, text });
    }
  });

  it('builds hub messages in the catalog format', () => {
    expect(vectors.wireFormat.hubMessage).toBe('<code>: <text>');
    expect(hubMessage('not-member', 'Not a member of this room: join it first.')).toBe(vectors.wireFormat.examples[0].wire);
  });

  it('has a sentence of its own for every code but the ones that show the server\'s details', () => {
    const missing = REFUSAL_CODES.filter((code) => !REFUSAL_WORDS[code]);
    expect(missing).toEqual(['account-password-invalid']);
  });
});

describe('reading a refusal from an error', () => {
  const wrapped = (message: string) => new Error(`An unexpected error occurred invoking 'Kick' on the server. HubException: ${message}`);

  it('takes the code from a HubException as the SignalR client wraps it', () => {
    const error = wrapped("not-creator: Only the room's creator can do that.");
    expect(refusalOf(error)).toEqual({ code: 'not-creator', text: "Only the room's creator can do that." });
    expect(errorText(error)).toBe(REFUSAL_WORDS['not-creator']);
  });

  it('finds no code in errors that carry none, and shows their own words', () => {
    expect(refusalCodeOf(new Error('Invocation canceled due to the underlying connection being closed.'))).toBeNull();
    expect(refusalCodeOf(new Error("An unexpected error occurred invoking 'Kick' on the server."))).toBeNull();
    expect(errorText(wrapped('no-such-code: A newer server said this.'))).toBe('no-such-code: A newer server said this.');
    expect(errorText('Connection lost')).toBe('Connection lost');
  });

  it('reads the refusals of the in-memory fakes as it reads the server\'s', () => {
    const fake = hubRefusal('DecideJoin', 'not-waiting', 'Not waiting: nobody by that id is waiting to join.');
    expect(fake.message).toBe(
      "An unexpected error occurred invoking 'DecideJoin' on the server. HubException: not-waiting: Not waiting: nobody by that id is waiting to join.",
    );
    expect(refusalOf(fake)).toEqual({ code: 'not-waiting', text: 'Not waiting: nobody by that id is waiting to join.' });
  });

  it('reads the code extension of a ProblemDetails body, null when absent or unknown', () => {
    const extension = vectors.wireFormat.problemDetailsExtension;
    expect(problemCodeOf({ status: 409, title: 'Incomplete', [extension]: 'file-incomplete' })).toBe('file-incomplete');
    expect(problemCodeOf({ status: 409, title: 'Incomplete' })).toBeNull();
    expect(problemCodeOf({ [extension]: 'no-such-code' })).toBeNull();
    expect(problemCodeOf(null)).toBeNull();
  });
});
