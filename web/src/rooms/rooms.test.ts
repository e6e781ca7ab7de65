import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveRoomSecrets, fromBase64Url, joinVerifierText, toBase64Url } from '../crypto';
import { createRoom } from './createRoom';
import { cleanName, freeColor, LocalIdentity, MAX_NAME, MEMBER_COLORS, rememberedName } from './identity';
import { invitePathFrom, linkSecretOf, parseRoomLocation } from './links';
import { memoryMemberStore } from './memberStore';
import { defaultRoomName, roomDisplayName } from './roomName';

const secret = toBase64Url(new Uint8Array(32).fill(5));

describe('invite links', () => {
  it('reads the room id from the path and the secret from the fragment', () => {
    const parsed = parseRoomLocation('/r/Qx7pL2mN9vR4tY8wZ1aB3c', `#${secret}`);
    expect(parsed).toMatchObject({ kind: 'room', roomId: 'Qx7pL2mN9vR4tY8wZ1aB3c' });
  });

  it('calls a link without a whole secret incomplete', () => {
    expect(parseRoomLocation('/r/abc', '').kind).toBe('incomplete');
    expect(parseRoomLocation('/r/abc', '#short').kind).toBe('incomplete');
    expect(parseRoomLocation('/r/abc', `#${secret.slice(0, 30)}`).kind).toBe('incomplete');
    expect(parseRoomLocation('/elsewhere', `#${secret}`).kind).toBe('not-a-room');
  });

  it('reads a whole secret from any fragment (a Files address shared with one lets a newcomer in)', () => {
    expect(linkSecretOf(`#${secret}`)).toEqual(new Uint8Array(32).fill(5));
    expect(linkSecretOf('')).toBeNull();
    expect(linkSecretOf('#not base64 !')).toBeNull();
    expect(linkSecretOf(`#${secret.slice(0, 30)}`)).toBeNull();
  });

  it('accepts pasted links in full or as a path', () => {
    expect(invitePathFrom(`  https://parley.example/r/abc#${secret} `)).toBe(`/r/abc#${secret}`);
    expect(invitePathFrom(`/r/abc#${secret}`)).toBe(`/r/abc#${secret}`);
    expect(invitePathFrom('https://parley.example/r/abc')).toBeNull();
    expect(invitePathFrom('hello')).toBeNull();
  });
});

describe('room names', () => {
  it('are picked from SHA-256 of the room id: the same id gives the same adjective-noun-number name', async () => {
    const name = await defaultRoomName('Qx7pL2mN9vR4tY8wZ1aB3c');
    expect(name).toMatch(/^[a-z]+-[a-z]+-\d{1,2}$/);
    expect(await defaultRoomName('Qx7pL2mN9vR4tY8wZ1aB3c')).toBe(name);
    const digest = new Uint8Array(createHash('sha256').update('Qx7pL2mN9vR4tY8wZ1aB3c', 'utf8').digest());
    expect(roomDisplayName(digest)).toBe(name);
    expect(await defaultRoomName('Zx7pL2mN9vR4tY8wZ1aB3c')).not.toBe(name);
  });
});

describe('createRoom', () => {
  it('sends only the join verifier of a fresh secret and returns the room and secret', async () => {
    let sent: { url: string; body: { joinVerifier: string } } | null = null;
    const fakeFetch = (async (url: string, init: RequestInit) => {
      sent = { url, body: JSON.parse(String(init.body)) };
      return new Response(JSON.stringify({ roomId: 'room-1' }), { status: 201 });
    }) as unknown as typeof fetch;
    const room = await createRoom(fakeFetch);
    expect(room.roomId).toBe('room-1');
    expect(sent!.url).toBe('/api/rooms');
    expect(Object.keys(sent!.body)).toEqual(['joinVerifier']);
    const joinVerifier = joinVerifierText(await deriveRoomSecrets(fromBase64Url(room.linkSecret)));
    expect(sent!.body.joinVerifier).toBe(joinVerifier);
    expect(joinVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('keeps the creator token for the room, and refuses a malformed one', async () => {
    const token = new Uint8Array(32).fill(4);
    const answer = (creatorToken: unknown) =>
      (async () => new Response(JSON.stringify({ roomId: 'room-2', creatorToken }), { status: 201 })) as unknown as typeof fetch;
    const store = memoryMemberStore();
    await createRoom(answer(toBase64Url(token)), store);
    expect(store.loadCreatorToken('room-2')).toEqual(token);
    expect(store.load('room-2')).toBeNull(); // no member yet: that comes with the first join

    await expect(createRoom(answer('c2hvcnQ'), memoryMemberStore())).rejects.toThrow(/malformed creator token/);
    await expect(createRoom(answer(42), memoryMemberStore())).rejects.toThrow(/malformed creator token/);
  });

  it('explains rate limiting', async () => {
    const fakeFetch = (async () => new Response('', { status: 429 })) as unknown as typeof fetch;
    await expect(createRoom(fakeFetch)).rejects.toThrow(/Too many/);
  });
});

describe('local identity', () => {
  const memoryStorage = () => {
    const data = new Map<string, string>();
    return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) } as Storage;
  };

  it('remembers the chosen name for the next rooms of this browser', () => {
    const storage = memoryStorage();
    expect(rememberedName(storage)).toBeNull();
    const identity = new LocalIdentity('Ann', MEMBER_COLORS[0], storage);
    expect(identity.rename('  Ann   Lee ')).toBe(true);
    expect(identity.profile.get().name).toBe('Ann Lee');
    expect(rememberedName(storage)).toBe('Ann Lee');
  });

  it('refuses an empty name and keeps the old one', () => {
    const storage = memoryStorage();
    const identity = new LocalIdentity('Ann', MEMBER_COLORS[0], storage);
    expect(identity.rename(' \u200e\t ')).toBe(false);
    expect(identity.profile.get().name).toBe('Ann');
    expect(rememberedName(storage)).toBeNull();
  });

  it('drops control and direction characters and cuts long names', () => {
    expect(cleanName('Ann\u202e\u0000 Lee')).toBe('Ann Lee');
    expect([...cleanName('x'.repeat(100))!].length).toBe(MAX_NAME);
    expect(cleanName('   ')).toBeNull();
  });

  it('takes the first colour nobody holds, then the least used one', () => {
    expect(freeColor([])).toBe(MEMBER_COLORS[0]);
    expect(freeColor([MEMBER_COLORS[0], MEMBER_COLORS[1].toUpperCase()])).toBe(MEMBER_COLORS[2]);
    expect(new Set(MEMBER_COLORS).size).toBe(12);
    expect(freeColor([...MEMBER_COLORS, MEMBER_COLORS[0]])).toBe(MEMBER_COLORS[1]);
  });
});
