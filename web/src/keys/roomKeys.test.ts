import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Presence } from '../chat/presence';
import { inRoom, keyedMember, keyProblems, member, openUpdate, ROOM, room, stop, stopMembers, texts } from '../chat/testing/keyedRoom';
import { fromBase64Url, toBase64Url } from '../crypto';
import { memoryMemberStore } from '../rooms/memberStore';
import { REFUSAL_WORDS } from '../wire/refusalWords';
import { TEST_JOIN_KEY, TEST_LINK, testDevice } from '../wire/testing/devices';
import { FakeRelay, type FakeRelayOptions } from '../wire/testing/fakeRelay';
import { refusalCodeOfCall } from '../wire/testing/hubRefusal';
import { until } from '../wire/testing/waiting';

// Devices 2 and up are made (RSA-3072) rather than read from the vectors: once, up front.
beforeAll(() => Promise.all([2, 3, 4].map(testDevice)), 60_000);
afterEach(stopMembers);

describe('the first key', () => {
  it("is made by the creator's browser, and a second browser gets it by grant and sees the code", async () => {
    const { relay, ann } = await room();
    expect(relay.keys.epoch).toBe(0);
    expect(relay.keys.rotateCalls).toEqual([{ sender: ann.sync.memberId, epoch: 0, renewsLink: false, accepted: true }]);
    expect(ann.keys.epochs()).toEqual([0]);
    ann.sync.text.insert(0, 'hello');
    ann.chat.send('hi');
    await until(() => relay.updates.length === 1 && relay.chats.length === 1, 'the edit and the message');

    const bob = await keyedMember(relay, { device: 1 });
    expect(bob.sync.text.toString()).toBe('hello');
    expect(texts(bob)).toEqual(['hi']);
    expect(relay.keys.grants.get(`0|${bob.sync.memberId}`)?.granterId).toBe(ann.sync.memberId);
    // The server relays ciphertext only: the room link it stores opens with the key and says the link.
    expect(relay.keys.roomLink?.epoch).toBe(0);
    expect(bob.sync.link.text.get()).toBe(toBase64Url(TEST_LINK));
    expect([keyProblems(ann), keyProblems(bob)]).toEqual([[], []]);
  });

  it("is taken even when the grant is handled before the join's own answer", async () => {
    const { relay, ann } = await room();
    // Bob's join answer is held until Ann's grant has reached his browser, as when both come in one read.
    const connect = relay.connect.bind(relay);
    relay.connect = () => {
      const transport = connect();
      let granted = false;
      const emit = transport.emit.bind(transport);
      transport.emit = (deliver) => {
        deliver({ keysGranted: () => (granted = true) });
        emit(deliver);
      };
      const join = transport.joinRoom.bind(transport);
      transport.joinRoom = async (request) => {
        const result = await join(request);
        await until(() => granted, 'the grant before the answer');
        return result;
      };
      return transport;
    };
    ann.sync.text.insert(0, 'hello');
    await until(() => relay.updates.length === 1, 'the edit');

    const bob = await keyedMember(relay, { device: 1 });
    expect(bob.sync.text.toString()).toBe('hello');
    expect(keyProblems(bob)).toEqual([]);
  });

  it('is waited for: a joiner without a key sends nothing until a member shares it, then its edits go out', async () => {
    const { relay, ann } = await room();
    ann.transport.disconnect(); // nobody keyed is online

    const bob = await member(relay, { device: 1 });
    await until(() => bob.sync.roomKeys.waiting.get(), 'Bob waiting for the key');
    expect(bob.sync.status.get()).toBe('connecting');
    expect(bob.sync.membership.get()).toBeNull();
    bob.sync.text.insert(0, 'typed while waiting');
    bob.chat.send('said while waiting');
    expect(relay.updates).toHaveLength(0);
    expect(relay.chatCalls).toHaveLength(0);

    ann.transport.reconnect(); // Ann's join lists Bob among the key requests
    await inRoom(bob, 'Bob keyed');
    await until(() => ann.sync.text.toString() === 'typed while waiting' && texts(ann).includes('said while waiting'), 'Ann to see it');
    expect(relay.updates.every((u) => u.envelope.epoch === 0)).toBe(true);
    expect(bob.sync.roomKeys.waiting.get()).toBe(false);
  });
});

describe('granting', () => {
  it.each([
    ['told of the creator by KeyRequested', {}],
    ['that missed that KeyRequested: a fresh join brings the creator into its directory', { silentBeforeFirstKey: true }],
  ])('gives a joiner who came before the creator the first key, %s', async (_name, options: FakeRelayOptions) => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, options);
    const bob = await member(relay, { device: 1 });
    await until(() => bob.sync.roomKeys.waiting.get(), 'Bob waiting');
    expect(relay.keys.rotateCalls).toEqual([]); // only the creator makes epoch 0

    const ann = await keyedMember(relay, { device: 0, creator: true });
    await inRoom(bob, 'Bob keyed');
    expect(relay.keys.grants.get(`0|${bob.sync.memberId}`)?.granterId).toBe(ann.sync.memberId);
    expect(keyProblems(bob)).toEqual([]);
  });

  it('lets several members answer a key request: the first grant stays, and the joiner opens it', async () => {
    const { relay, ann } = await room();
    const bob = await keyedMember(relay, { device: 1 });
    const cat = await keyedMember(relay, { device: 2 });
    await until(() => relay.keys.grantCalls.filter((c) => c.grants.some((g) => g.memberId === cat.sync.memberId)).length === 2, 'both answers');
    expect(new Set(relay.keys.grantCalls.map((c) => c.sender))).toEqual(new Set([ann.sync.memberId, bob.sync.memberId]));
    expect(cat.keys.epochs()).toEqual([0]);
    expect([keyProblems(ann), keyProblems(bob), keyProblems(cat)]).toEqual([[], [], []]);
  });

  it('is left to the member the server names: one grant per joiner, not one per member', async () => {
    const { relay, ann } = await room();
    const bob = await keyedMember(relay, { device: 1 });
    relay.keys.granter = () => bob.sync.memberId;
    const cat = await keyedMember(relay, { device: 2 });
    const forCat = relay.keys.grantCalls.filter((c) => c.grants.some((g) => g.memberId === cat.sync.memberId));
    expect(forCat.map((c) => c.sender)).toEqual([bob.sync.memberId]);
    expect(cat.keys.epochs()).toEqual([0]);
    expect([keyProblems(ann), keyProblems(bob), keyProblems(cat)]).toEqual([[], [], []]);
  });

  it('is all or nothing at the relay, as on the server', async () => {
    const { relay, ann } = await room();
    const bob = await keyedMember(relay, { device: 1 });
    const stored = relay.keys.grants.size;
    const good = relay.keys.grants.get(`0|${bob.sync.memberId}`)!;
    const forged = { ...good, epoch: 0, memberId: ann.sync.memberId!, granterId: ann.sync.memberId! };
    expect(await refusalCodeOfCall(bob.transport.grantKeys(ROOM, [{ ...good, granterId: bob.sync.memberId! }, forged]))).toBe('grant-malformed');
    expect(await refusalCodeOfCall(bob.transport.grantKeys(ROOM, [{ ...good, granterId: bob.sync.memberId!, epoch: 1 }]))).toBe('grant-epoch-unheld');
    expect(relay.keys.grants.size).toBe(stored);
  });
});

describe('link proofs', () => {
  it('keep the key from a joiner the server let in without the link, while an honest joiner gets it', async () => {
    // A server that admits anyone (it could make up members of its own): only the members' check stands.
    const { relay, ann } = await room({ admitsAnyone: true });
    const mallory = await member(relay, { device: 1, link: new Uint8Array(32).fill(7) });
    await until(() => keyProblems(ann).some((p) => p.includes('link proof')), "Ann's refusal");
    const bob = await keyedMember(relay, { device: 2 });

    expect(mallory.sync.roomKeys.waiting.get()).toBe(true);
    expect(mallory.keys.epochs()).toEqual([]);
    expect([...relay.keys.grants.keys()].filter((k) => k.endsWith(`|${mallory.sync.memberId}`))).toEqual([]);
    expect(bob.keys.epochs()).toEqual([0]);
    expect(keyProblems(ann)).toEqual([`Not sharing the room's keys with ${mallory.sync.memberId}: its link proof matches none of this room's invite links`]);
  });
});

describe('kicking a member', () => {
  async function kicked() {
    const { relay, ann } = await room();
    const bob = await keyedMember(relay, { device: 1 });
    const cat = await keyedMember(relay, { device: 2 });
    ann.sync.text.insert(0, 'before ');
    await until(() => cat.sync.text.toString() === 'before ', 'the first edit at Cat');
    await ann.sync.access.kick(bob.sync.memberId!);
    // Cat may rotate first (RotationNeeded); Ann's renewal then follows from the epoch after.
    const renewed = () => relay.keys.rotateCalls.some((c) => c.sender === ann.sync.memberId && c.renewsLink && c.accepted && c.epoch === relay.keys.epoch);
    const newLinkAtAnn = () => ann.sync.link.text.get() !== toBase64Url(TEST_LINK);
    await until(() => renewed() && newLinkAtAnn() && cat.keys.has(relay.keys.epoch) && ann.keys.has(relay.keys.epoch), 'the rotation and the renewed link');
    return { relay, ann, bob, cat };
  }

  it('rotates the key at once: the kicked browser, keeping every key it had, cannot read what is sent after', async () => {
    const { relay, ann, bob, cat } = await kicked();
    const epoch = relay.keys.epoch;
    expect(epoch).toBeGreaterThanOrEqual(1);
    expect(bob.sync.closed.get()).toBe('removed');
    expect(bob.keys.epochs()).toEqual([0]);

    ann.sync.text.insert(7, 'after');
    cat.chat.send('not for Bob');
    await until(() => cat.sync.text.toString() === 'before after' && texts(ann).includes('not for Bob'), 'the later edit and message');
    const update = relay.updates.at(-1)!;
    const message = relay.chats.at(-1)!;
    expect([update.envelope.epoch, message.envelope.epoch]).toEqual([epoch, epoch]);
    expect(new TextDecoder().decode(await openUpdate(ann.keys, update.sender, update.envelope))).toContain('after');
    await expect(openUpdate(bob.keys, update.sender, update.envelope)).rejects.toThrow(`No room key for epoch ${epoch}`);
    await expect(bob.keys.decrypt({ roomId: ROOM, kind: 'chat', sender: message.sender, messageId: message.clientMessageId }, message.envelope)).rejects.toThrow(`epoch ${epoch}`);
    // Nor the code as a whole: the snapshot is under the new key too.
    expect(relay.snapshot?.envelope.epoch).toBeGreaterThanOrEqual(1);
    await expect(bob.keys.decrypt({ roomId: ROOM, kind: 'doc-snapshot', sender: relay.snapshot!.sender }, relay.snapshot!.envelope)).rejects.toThrow();
  });

  it('renews the link: members learn the new secret, the old link admits nobody new, the new one does', async () => {
    const { relay, ann, cat } = await kicked();
    const renewed = ann.sync.link.text.get();
    expect(renewed).not.toBe(toBase64Url(TEST_LINK));
    await until(() => cat.sync.link.text.get() === renewed, 'the new link at Cat');

    const late = await member(relay, { device: 3 });
    await until(() => late.sync.status.get() === 'failed', 'the refusal');
    expect(late.sync.failure.get()).toBe(REFUSAL_WORDS['join-key-invalid']);

    const dan = await keyedMember(relay, { device: 4, link: fromBase64Url(renewed) });
    expect(dan.sync.text.toString()).toBe('before ');
    expect(dan.keys.has(relay.keys.epoch)).toBe(true);
  });
});

describe('history', () => {
  it('is shared with later joiners while visible, and hidden once the creator turns it off', async () => {
    const { relay, ann } = await room();
    const bob = await keyedMember(relay, { device: 1 });
    ann.sync.text.insert(0, 'old code');
    ann.chat.send('old news');
    await until(() => relay.chats.length === 1 && ann.sync.pendingCount === 0, 'the first message');
    await ann.sync.access.kick(bob.sync.memberId!);
    await until(() => ann.sync.link.text.get() !== toBase64Url(TEST_LINK) && ann.keys.has(relay.keys.epoch), 'the rotation');
    ann.chat.send('new news');
    await until(() => relay.chats.length === 2, 'the second message');
    const link = fromBase64Url(ann.sync.link.text.get());

    const cat = await keyedMember(relay, { device: 2, link });
    expect(cat.keys.epochs()).toEqual(ann.keys.epochs());
    expect(texts(cat)).toEqual(['old news', 'new news']);

    await ann.sync.roomKeys.setHistoryVisible(false);
    await until(() => !cat.sync.roomKeys.historyVisible.get(), 'the setting at Cat');
    const dan = await keyedMember(relay, { device: 3, link });
    expect(dan.keys.epochs()).toEqual([relay.keys.epoch]);
    expect(texts(dan)).toEqual(['new news']); // the older message is not shown, and not reported as an error
    expect(dan.problems.filter((p) => p.kind === 'undecryptable')).toEqual([]);
    // The code is whole: the rotating browser stored a fresh snapshot under the new key.
    expect(dan.sync.text.toString()).toBe('old code');
    expect(relay.snapshot?.envelope.epoch).toBe(relay.keys.epoch);
  });
});

describe('the snapshot after a rotation', () => {
  it('replaces one of the same seq under the old key, so a joiner without history still reads the code', async () => {
    const { relay, ann } = await room();
    relay.snapshotEvery = 1;
    ann.sync.text.insert(0, 'kept code');
    await until(() => relay.snapshot?.upToSeq === 1, 'the first snapshot');
    expect(relay.snapshot!.envelope.epoch).toBe(0);
    await ann.sync.roomKeys.setHistoryVisible(false);
    await ann.sync.roomKeys.rotate(false);
    await until(() => relay.snapshot?.envelope.epoch === 1, 'the fresh snapshot');

    const bob = await keyedMember(relay, { device: 1 });
    expect(bob.keys.epochs()).toEqual([1]);
    expect(bob.sync.text.toString()).toBe('kept code');
  });
});

describe('a rotation racing pending work', () => {
  it('re-encrypts edits and messages refused as stale under the new key, and loses nothing', async () => {
    const { relay, ann } = await room();
    const bob = await keyedMember(relay, { device: 1 });
    bob.transport.hold(); // Bob does not hear of the rotation yet
    await ann.sync.roomKeys.rotate(false);
    expect(relay.keys.epoch).toBe(1);

    bob.sync.text.insert(0, 'typed during the rotation');
    bob.chat.send('sent during the rotation');
    await until(() => relay.keys.staleRefusals.includes('PushDocUpdate') && relay.keys.staleRefusals.includes('SendChat'), 'the stale refusals');
    expect(bob.sync.pendingCount).toBe(1);
    expect(bob.chat.messages.get().map((m) => m.status)).toEqual(['sending']);

    bob.transport.release();
    await until(() => ann.sync.text.toString() === 'typed during the rotation' && texts(ann).includes('sent during the rotation'), 'Ann to get both');
    expect(relay.updates.map((u) => u.envelope.epoch)).toEqual([1]);
    expect(relay.chats.map((c) => c.envelope.epoch)).toEqual([1]);
    expect(bob.chat.messages.get().map((m) => m.status)).toEqual(['sent']);
    expect(bob.problems.filter((p) => p.kind === 'push-failed')).toEqual([]);
  });
});

describe('leaving', () => {
  it('forgets the membership, tells the others, and the remaining keyed members rotate once without the leaver', async () => {
    const { relay, ann } = await room();
    const bob = await keyedMember(relay, { device: 1 });
    const cat = await keyedMember(relay, { device: 2 });
    const bobId = bob.sync.memberId!;
    bob.chat.send('bye'); // his name stays known from it: the member list must still drop him
    await until(() => texts(ann).includes('bye'), 'the goodbye');
    await bob.sync.access.leave();
    expect(bob.sync.closed.get()).toBe('left');
    expect(bob.members.load(ROOM)).toBeNull();

    await until(() => ann.keys.has(1) && cat.keys.has(1), 'the rotation');
    await until(() => ann.sync.access.departed.get().includes(bobId), 'Ann to hear of it');
    const presence = new Presence(ann.sync, ann.chat);
    expect(presence.members.get().map((m) => m.memberId)).not.toContain(bobId);
    presence.destroy();
    expect(relay.keys.epoch).toBe(1); // both may have tried: the one who came second was refused as stale, which is no problem
    expect(relay.keys.grants.has(`1|${bobId}`)).toBe(false);
    expect([keyProblems(ann), keyProblems(cat)]).toEqual([[], []]);
  });

  it('is not for the creator, who ends the session instead', async () => {
    const { ann } = await room();
    expect(await refusalCodeOfCall(ann.sync.access.leave())).toBe('creator-cannot-leave');
    expect(ann.sync.closed.get()).toBeNull();
  });
});

describe('the room name', () => {
  it('is set by the creator for everyone, follows rotations, and reaches later joiners', async () => {
    const { relay, ann } = await room();
    const bob = await keyedMember(relay, { device: 1 });
    await ann.sync.roomKeys.setRoomName('  Friday pairing  ');
    expect(ann.sync.roomKeys.roomName.get()).toBe('Friday pairing');
    await until(() => bob.sync.roomKeys.roomName.get() === 'Friday pairing', 'the name at Bob');

    await ann.sync.roomKeys.rotate(false);
    expect(relay.keys.roomMeta?.epoch).toBe(1);
    const cat = await keyedMember(relay, { device: 2 });
    expect(cat.sync.roomKeys.roomName.get()).toBe('Friday pairing');
    await expect(ann.sync.roomKeys.setRoomName('x'.repeat(81))).rejects.toThrow(/at most 80/);
    expect(await refusalCodeOfCall(bob.sync.roomKeys.setRoomName('Mine now'))).toBe('not-creator');
  });
});

describe('fingerprints', () => {
  it("show each member's device, the same on every browser", async () => {
    const { relay, ann } = await room();
    const bob = await keyedMember(relay, { device: 1 });
    await until(() => ann.sync.roomKeys.fingerprints.get().has(bob.sync.memberId!), "Bob's fingerprint at Ann");
    await until(() => bob.sync.roomKeys.ownFingerprint.get() !== null, "Bob's own fingerprint");
    expect(ann.sync.roomKeys.fingerprints.get().get(bob.sync.memberId!)).toBe(bob.sync.roomKeys.ownFingerprint.get());
    expect(bob.sync.roomKeys.ownFingerprint.get()).toMatch(/^\d{5}( \d{5}){5}$/);
  });
});

describe('the doc after a rotation', () => {
  it('decodes for a member holding the new key', async () => {
    const { relay, ann } = await room();
    await ann.sync.roomKeys.rotate(false);
    ann.sync.text.insert(0, 'x');
    await until(() => relay.updates.length === 1, 'the edit');
    const replica = new Y.Doc();
    Y.applyUpdate(replica, await openUpdate(ann.keys, ann.sync.memberId!, relay.updates[0].envelope));
    expect(replica.getText('code').toString()).toBe('x');
  });
});

describe('a browser that lost its device keys', () => {
  it('joins again as a new member, since grants for its old keys can never open', async () => {
    const { relay } = await room();
    const members = memoryMemberStore();
    const before = await keyedMember(relay, { device: 1, members });
    const oldId = before.sync.memberId!;
    await stop(before);

    // Same stored membership, other device keys (IndexedDB was cleared, say).
    const after = await keyedMember(relay, { device: 2, members });
    expect(after.sync.memberId).not.toBe(oldId);
    expect(members.load(ROOM)?.memberId).toBe(after.sync.memberId);
    expect(keyProblems(after)).toEqual(['This browser lost the device keys its membership was made with; joining as a new member']);
  });
});
