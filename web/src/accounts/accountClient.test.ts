import { describe, expect, it } from 'vitest';
import { createRoom } from '../rooms/createRoom';
import { memoryMemberStore } from '../rooms/memberStore';
import { SIGN_IN_TO_SHARE_FILES, readAbilities } from './abilities';
import { AccountClient, AccountError, ANTIFORGERY_HEADER } from './accountClient';
import { solveCaptcha } from './captcha';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

const guest = (token: string): Record<string, unknown> => ({
  signedIn: false,
  userName: null,
  abilities: { shareFiles: false, protectRoom: false, nameRoom: false },
  antiforgeryToken: token,
});
const signedIn = (name: string, token: string) => ({
  signedIn: true,
  userName: name,
  abilities: { shareFiles: true, protectRoom: true, nameRoom: true },
  antiforgeryToken: token,
});
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const problem = (detail: string, status: number) => json({ title: 'Bad Request', status, detail }, status);

/** A server of canned answers that records what the client sent. */
function fakeServer(answer: (sent: Sent) => Response) {
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = (async (url: string, init: RequestInit = {}) => {
    const request: Sent = {
      url,
      method: init.method ?? 'GET',
      headers: Object.fromEntries(Object.entries((init.headers as Record<string, string>) ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      body: init.body == null ? undefined : JSON.parse(String(init.body)),
    };
    sent.push(request);
    return answer(request);
  }) as unknown as typeof fetch;
  return { sent, fetch };
}

const header = ANTIFORGERY_HEADER.toLowerCase();

describe('the account client', () => {
  it('sends the antiforgery token with every POST and takes the new one each answer brings', async () => {
    const server = fakeServer(({ url }) => {
      if (url === '/api/account') return json(guest('t-guest'));
      if (url === '/api/account/signin') return json(signedIn('ann', 't-ann'));
      return json(guest('t-after'));
    });
    const client = new AccountClient({ fetch: server.fetch });

    const state = await client.signIn('ann', 'a long password');
    expect(state).toMatchObject({ signedIn: true, userName: 'ann' });
    expect(client.state.get()?.userName).toBe('ann');
    await client.signOut();
    expect(client.state.get()?.signedIn).toBe(false);

    expect(server.sent.map((s) => `${s.method} ${s.url} ${s.headers[header] ?? '-'}`)).toEqual([
      'GET /api/account -',
      'POST /api/account/signin t-guest',
      'POST /api/account/signout t-ann',
    ]);
    expect(server.sent[1].body).toEqual({ userName: 'ann', password: 'a long password' });
  });

  it("surfaces the server's refusal in its own words, and the state stays as it was", async () => {
    const server = fakeServer(({ url }) =>
      url === '/api/account' ? json(guest('t')) : problem('Wrong user name or password.', 401),
    );
    const client = new AccountClient({ fetch: server.fetch });

    const refusal = client.signIn('ann', 'wrong password');
    await expect(refusal).rejects.toThrow('Wrong user name or password.');
    await expect(refusal).rejects.toBeInstanceOf(AccountError);
    await expect(refusal).rejects.toMatchObject({ status: 401 });
    expect(client.state.get()).toMatchObject({ signedIn: false });

    const silent = new AccountClient({ fetch: fakeServer(() => new Response('', { status: 502 })).fetch });
    await expect(silent.refresh()).rejects.toThrow('Could not reach the server (HTTP 502).');
  });

  it('registers with a solved captcha, or without one when the captcha is off', async () => {
    let captchaOn = true;
    const server = fakeServer(({ url }) => {
      if (url === '/api/account') return json(guest('t'));
      if (url === '/api/captcha') return json(captchaOn ? { enabled: true, challenge: 'ch', difficulty: 3, expiresAt: 1 } : { enabled: false });
      return json(signedIn('ann', 't2'), 201);
    });
    const progress: number[] = [];
    const client = new AccountClient({ fetch: server.fetch, solver: async (challenge, difficulty) => `${challenge}-${difficulty}` });

    await client.register('ann', 'a long password', (p) => progress.push(p.expected));
    captchaOn = false;
    await client.register('bob', 'a long password');

    const registrations = server.sent.filter((s) => s.url === '/api/account/register');
    expect(registrations.map((r) => r.body)).toEqual([
      { userName: 'ann', password: 'a long password', captcha: { challenge: 'ch', nonce: 'ch-3' } },
      { userName: 'bob', password: 'a long password' },
    ]);
    expect(registrations.every((r) => r.headers[header] !== undefined)).toBe(true);
    expect(progress).toEqual([8]);
  });

  it('proves a new room with the token when signed in and with a captcha as a guest', async () => {
    let state = guest('t-guest');
    const server = fakeServer(({ url }) => {
      if (url === '/api/account') return json(state);
      if (url === '/api/captcha') return json({ enabled: true, challenge: 'ch', difficulty: 1, expiresAt: 1 });
      return json({ roomId: 'room-1' }, 201);
    });
    const client = new AccountClient({ fetch: server.fetch, solver: async () => '7' });

    await createRoom(server.fetch, memoryMemberStore(), await client.roomCreationProof());
    state = signedIn('ann', 't-ann');
    await client.refresh();
    await createRoom(server.fetch, memoryMemberStore(), await client.roomCreationProof());

    const [asGuest, asAnn] = server.sent.filter((s) => s.url === '/api/rooms');
    expect(asGuest.body).toMatchObject({ captcha: { challenge: 'ch', nonce: '7' } });
    expect(asGuest.headers[header]).toBeUndefined();
    expect(asAnn.headers[header]).toBe('t-ann');
    expect(Object.keys(asAnn.body as object)).toEqual(['joinVerifier']);
  });

  it("shows why a room was refused, in the server's words", async () => {
    const server = fakeServer(() => problem('The captcha expired: solve a new one.', 400));
    await expect(createRoom(server.fetch, memoryMemberStore())).rejects.toThrow('The captcha expired: solve a new one.');
  });
});

describe('captcha and abilities from the server', () => {
  it('solves nothing when the captcha is off and refuses a malformed challenge', async () => {
    const off = fakeServer(() => json({ enabled: false, challenge: null, difficulty: 0, expiresAt: 0 }));
    expect(await solveCaptcha(off.fetch, async () => 'never')).toBeNull();
    const broken = fakeServer(() => json({ enabled: true, challenge: 42, difficulty: 'hard' }));
    await expect(solveCaptcha(broken.fetch, async () => '0')).rejects.toThrow(/Malformed captcha/);
  });

  it('reads abilities, granting nothing an answer leaves out', () => {
    expect(readAbilities({ shareFiles: true, protectRoom: false })).toEqual({ shareFiles: true, protectRoom: false, nameRoom: false });
    expect(readAbilities(undefined)).toEqual({ shareFiles: false, protectRoom: false, nameRoom: false });
    expect(() => readAbilities('all')).toThrow(/Malformed/);
    expect(SIGN_IN_TO_SHARE_FILES).toBe('Sign in to share files');
  });
});
