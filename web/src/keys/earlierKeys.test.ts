// What a room keeps from before: every invite link it has had (room-link), and grants made by
// members who have gone since (JoinResult.granters).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inRoom, keyedMember, keyProblems, ROOM, room, stop, stopMembers, texts } from '../chat/testing/keyedRoom';
import { deriveRoomSecrets, encryptEnvelope, fromBase64Url, linkProof, newRoomKey, toBase64Url } from '../crypto';
import { memoryMemberStore } from '../rooms/memberStore';
import { openRoomLink, sealRoomLink } from '../rooms/roomEnvelopes';
import { RoomLink } from '../rooms/roomLink';
import { LIMITS } from '../wire/limits';
import { TEST_LINK, testDevice } from '../wire/testing/devices';
import { until } from '../wire/testing/waiting';

const MAX_LINK_SECRETS = LIMITS.maxLinkSecrets;

beforeAll(() => testDevice(2), 60_000);
afterEach(stopMembers);

const secret = (n: number) => new Uint8Array(32).fill(n);

describe('the invite links a room has had', () => {
  it('let a member who joined after a renewal grant one who joined through the earlier link, in a rotation the server accepts', async () => {
    const { relay, ann } = await room();
    const bob = await keyedMember(relay, { device: 1 }); // through link 1
    await ann.sync.roomKeys.rotate(true);
    const link2 = ann.sync.link.text.get();
    expect(link2).not.toBe(toBase64Url(TEST_LINK));
    await until(() => bob.keys.has(1) && bob.sync.link.text.get() === link2, 'the renewal at Bob');

    // Cat knows only link 2 from her page; the room-link tells her of link 1.
    const cat = await keyedMember(relay, { device: 2, link: fromBase64Url(link2) });
    await cat.sync.roomKeys.rotate(false);
    expect(relay.keys.rotateCalls.at(-1)).toEqual({ sender: cat.sync.memberId, epoch: 2, renewsLink: false, accepted: true });
    expect(relay.keys.grants.get(`2|${bob.sync.memberId}`)?.granterId).toBe(cat.sync.memberId);
    await until(() => bob.keys.has(2), 'the new key at Bob');

    // Her rotation carried the whole list on, the current link first.
    const links = await openRoomLink(cat.keys.keyFor(2), ROOM, relay.keys.roomLink!);
    expect(links.map(toBase64Url)).toEqual([link2, toBase64Url(TEST_LINK)]);
    expect(cat.sync.link.text.get()).toBe(link2);
    expect([keyProblems(ann), keyProblems(bob), keyProblems(cat)]).toEqual([[], [], []]);
  });

  it('are renewed by putting the new link in front and dropping the oldest beyond 64; a proof made with any of them holds', async () => {
    const link = new RoomLink(ROOM, TEST_LINK);
    const earlier = Array.from({ length: MAX_LINK_SECRETS }, (_, i) => secret(i + 10));
    link.follow(earlier);
    expect(link.text.get()).toBe(toBase64Url(earlier[0]));

    const renewed = link.renewedWith(secret(200));
    expect(renewed).toHaveLength(MAX_LINK_SECRETS);
    expect(renewed.slice(0, 2)).toEqual([secret(200), earlier[0]]);
    expect(renewed).not.toContainEqual(earlier[MAX_LINK_SECRETS - 1]);
    const key = await newRoomKey();
    expect(await openRoomLink(key, ROOM, await sealRoomLink(key, ROOM, 3, renewed))).toEqual(renewed);

    const device = await testDevice(0);
    const provedWith = async (s: Uint8Array) => ({ memberId: 'm', ...device, linkProof: await linkProof((await deriveRoomSecrets(s)).linkProofKey, ROOM, device) });
    expect(await link.proves(await provedWith(earlier[40]))).toBe(true);
    expect(await link.proves(await provedWith(secret(7)))).toBe(false);
  });

  it.each([0, 33])('ignore a room-link of %i bytes, saying so: the link known stays', async (bytes) => {
    const { relay, ann } = await room();
    const context = { roomId: ROOM, kind: 'room-link' as const, epoch: 0, sender: '' };
    relay.keys.roomLink = await encryptEnvelope(ann.keys.keyFor(0), context, new Uint8Array(bytes).fill(9));

    const bob = await keyedMember(relay, { device: 1 });
    expect(bob.keys.epochs()).toEqual([0]);
    expect(new Set(keyProblems(bob))).toEqual(new Set(["Could not read the room's invite link: The room-link envelope holds no list of 32-byte link secrets"]));
    expect(bob.sync.link.text.get()).toBe(toBase64Url(TEST_LINK));
  });
});

describe('a grant from a member gone since', () => {
  it('still opens after a reload, while that member stays out of the directory, the fingerprints and rotations', async () => {
    const { relay, ann } = await room();
    const bob = await keyedMember(relay, { device: 1 });
    ann.chat.send('before the kick');
    await until(() => texts(bob).includes('before the kick'), 'the message at Bob');
    ann.transport.disconnect(); // only Bob is there to share the key with Cat

    const members = memoryMemberStore();
    const cat = await keyedMember(relay, { device: 2, members });
    const [annId, bobId, catId] = [ann.sync.memberId!, bob.sync.memberId!, cat.sync.memberId!];
    expect(relay.keys.grants.get(`0|${catId}`)?.granterId).toBe(bobId);

    ann.transport.reconnect();
    await inRoom(ann, 'Ann back');
    await ann.sync.access.kick(bobId);
    const renewed = () => relay.keys.rotateCalls.some((c) => c.sender === annId && c.renewsLink && c.accepted && c.epoch === relay.keys.epoch);
    await until(() => renewed() && cat.keys.has(relay.keys.epoch), 'the rotation after the kick');

    // Cat reloads the page: a join with her stored credentials, her grants, and Bob only among their granters.
    await stop(cat);
    expect(relay.keys.forJoin(catId).granters.map((g) => g.memberId)).toContain(bobId);
    const again = await keyedMember(relay, { device: 2, members });
    expect(again.sync.memberId).toBe(catId);
    expect(again.keys.epochs()).toEqual(Array.from({ length: relay.keys.epoch + 1 }, (_, e) => e));
    expect(texts(again)).toContain('before the kick');
    expect(keyProblems(again)).toEqual([]);

    const listed = () => again.sync.roomKeys.fingerprints.get();
    await until(() => listed().has(annId) && listed().has(catId), 'the fingerprints');
    expect(new Set(listed().keys())).toEqual(new Set([annId, catId]));
    // A rotation granting Bob would be refused ("No such member"): hers grants Ann and herself.
    await again.sync.roomKeys.rotate(false);
    expect(relay.keys.rotateCalls.at(-1)).toMatchObject({ sender: catId, accepted: true });
    expect(relay.keys.rotateCalls.at(-1)!.epoch).toBe(relay.keys.epoch);
    expect(relay.keys.grants.has(`${relay.keys.epoch}|${bobId}`)).toBe(false);
  });
});
