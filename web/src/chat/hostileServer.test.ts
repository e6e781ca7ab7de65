// The server as the adversary (docs/protocol.md, "What a malicious server can and cannot do").
// Real browsers (RoomSync, ChatSync, RoomKeys on real keys) talk to FakeRelay, and the test plays
// the dishonest server: it replays, reorders, drops and forges what the relay stores and sends,
// invents members and swaps snapshots. Each browser must refuse it, or say what is missing.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createDeviceIdentity, deriveRoomSecrets, linkProof } from '../crypto';
import type { Envelope, StoredChat } from '../wire/protocol';
import { sleep, until } from '../wire/testing/waiting';
import { parseMessageId } from './senderOrder';
import { keyedMember, keyProblems, room, ROOM, stopMembers, texts, type Member } from './testing/keyedRoom';

afterEach(stopMembers);

const shown = (m: Member) => m.chat.messages.get().map((item) => item.body?.text ?? null);
const chatProblems = (m: Member, kind: string) => m.chatProblems.filter((p) => p.kind === kind);

/** Ann's "one", "two", "three" as the relay stores them, and Bob, who was there. */
async function threeMessages() {
  const { relay, ann } = await room();
  const bob = await keyedMember(relay, { device: 1 });
  for (const text of ['one', 'two', 'three']) {
    ann.chat.send(text);
    await until(() => texts(bob).includes(text), `"${text}" at Bob`);
  }
  return { relay, ann, bob, stored: [...relay.chats] };
}

describe('a hostile server, against chat', () => {
  it("sees each browser's messages numbered one after another within its stream", async () => {
    const { stored } = await threeMessages();
    const ids = stored.map((m) => parseMessageId(m.clientMessageId));
    expect(ids.map((id) => id?.counter)).toEqual([1, 2, 3]);
    expect(new Set(ids.map((id) => id?.stream)).size).toBe(1);
  });

  it('replays an old message as new: the browser drops it and shows the original once', async () => {
    const { relay, bob, stored } = await threeMessages();
    const replay: StoredChat = { ...stored[0], seq: 4 };
    relay.chats.push(replay); // so that a catch-up finds it too
    bob.transport.emit((l) => l.chat?.(ROOM, replay));

    await until(() => chatProblems(bob, 'replayed').length > 0, 'the replay noticed');
    await sleep(30);
    expect(shown(bob)).toEqual(['one', 'two', 'three']);
  });

  it("reorders a sender's messages: the one whose counter runs backwards is refused, visibly", async () => {
    const { relay, stored } = await threeMessages();
    const [one, two, three] = stored;
    relay.chats = [{ ...two, seq: 1 }, { ...one, seq: 2 }, three];

    const cat = await keyedMember(relay, { device: 2 });

    expect(shown(cat)).toEqual(['two', null, 'three']);
    expect(cat.chat.messages.get()[1]).toMatchObject({ seq: 2, outOfOrder: true });
    expect(chatProblems(cat, 'out-of-order')).toHaveLength(1);
  });

  it('drops a message and closes the hole in the seqs: the next one shows with "may be missing"', async () => {
    const { relay, ann, stored } = await threeMessages();
    const [one, , three] = stored;
    relay.chats = [one, { ...three, seq: 2 }];

    const cat = await keyedMember(relay, { device: 2 });

    expect(shown(cat)).toEqual(['one', 'three']);
    expect(cat.chat.messages.get().map((m) => m.missingBefore)).toEqual([undefined, 1]);
    expect(cat.chat.messages.get()[1].sender).toBe(ann.sync.memberId);
  });

  it('forges the sender, invents one, or moves a message to another id: none of them opens', async () => {
    const { relay, bob, stored } = await threeMessages();
    const one = stored[0];
    const [stream] = one.clientMessageId.split('.');
    relay.chats = [
      { ...one, sender: bob.sync.memberId! },
      { ...one, seq: 2, sender: 'gh0stMemberAAAAAAAAAAA' },
      { ...one, seq: 3, clientMessageId: `${stream}.9` },
      { ...one, seq: 4, clientMessageId: 'someOtherStreamAAAAAAA.1' },
    ];

    const cat = await keyedMember(relay, { device: 2 });

    expect(shown(cat)).toEqual([null, null, null, null]);
    expect(chatProblems(cat, 'undecryptable')).toHaveLength(4);
  });
});

describe('a hostile server, against keys', () => {
  it('invents a member: without a link proof of its own it gets no key, and with a copied one neither', async () => {
    const { relay, ann, bob } = await threeMessages();
    const servers = await createDeviceIdentity();
    const wrongLink = await deriveRoomSecrets(new Uint8Array(32).fill(7));
    const bobsProof = [...relay.keys.directory.values()].find((m) => m.memberId === bob.sync.memberId)!.linkProof;
    const invented = [
      { memberId: 'gh0stMemberAAAAAAAAAA1', linkProof: new Uint8Array(32) },
      { memberId: 'gh0stMemberAAAAAAAAAA2', linkProof: await linkProof(wrongLink.linkProofKey, ROOM, servers) },
      { memberId: 'gh0stMemberAAAAAAAAAA3', linkProof: bobsProof },
    ];
    const grantsBefore = relay.keys.grantCalls.length;

    ann.transport.emit((l) => {
      // Named as the granter, Ann still checks each proof herself.
      for (const ghost of invented) l.keyRequested?.(ROOM, { ...ghost, wrapKey: servers.wrapKey, signKey: servers.signKey }, ann.sync.memberId);
    });

    await until(() => keyProblems(ann).filter((p) => p.includes('gh0stMember')).length === 3, "Ann's three refusals");
    expect(relay.keys.grantCalls.slice(grantsBefore)).toEqual([]);
  });
});

describe('a hostile server, against the document', () => {
  type Snapshot = { sender: string; envelope: Envelope };

  /** Ann's code under a snapshot, and a joiner served `swap(honest)` instead (the updates it covers are not served). */
  async function joinWithSnapshot(swap: (honest: Snapshot, ann: Member) => Promise<Snapshot>) {
    const { relay, ann } = await room();
    ann.sync.text.insert(0, 'the real code');
    await until(() => relay.updates.length > 0 && ann.sync.lastSeq === relay.updates.at(-1)!.seq, 'the edit stored');
    const upToSeq = relay.updates.at(-1)!.seq;
    const sender = ann.sync.memberId!;
    const honest = { sender, envelope: await ann.keys.encrypt({ roomId: ROOM, kind: 'doc-snapshot', sender }, Y.encodeStateAsUpdate(ann.sync.doc)) };
    relay.snapshot = { upToSeq, ...(await swap(honest, ann)) };
    const cat = await keyedMember(relay, { device: 2 });
    return { relay, cat };
  }

  /** A doc whose code the server wrote. */
  const forgedState = () => {
    const doc = new Y.Doc();
    doc.getText('code').insert(0, 'code the server wrote');
    return Y.encodeStateAsUpdate(doc);
  };
  const skipped = (m: Member) => m.problems.filter((p) => p.kind === 'undecryptable' && p.message.startsWith('Skipped snapshot'));

  const swaps: [string, (honest: Snapshot, ann: Member) => Promise<Snapshot>][] = [
    ['from another room', async (h, ann) => ({ ...h, envelope: await ann.keys.encrypt({ roomId: 'Zx7pL2mN9vR4tY8wZ1aB3c', kind: 'doc-snapshot', sender: h.sender }, forgedState()) })],
    ['that is an update passed off as a snapshot', async (h, ann) => ({ ...h, envelope: await ann.keys.encrypt({ roomId: ROOM, kind: 'doc-update', sender: h.sender }, forgedState()) })],
    ['under a member the server invented', async (h) => ({ ...h, sender: 'gh0stMemberAAAAAAAAAAA' })],
    ['that does not decrypt', async (h) => ({ ...h, envelope: { ...h.envelope, ciphertext: h.envelope.ciphertext.map((b, i) => (i === 0 ? b ^ 1 : b)) } })],
  ];

  it.each(swaps)('swaps in a snapshot %s: the joiner refuses it and says so', async (_name, swap) => {
    const { cat } = await joinWithSnapshot(swap);
    expect(cat.sync.text.toString()).toBe('');
    expect(skipped(cat)).toHaveLength(1);
  });

  it('does not let a joiner that refused a snapshot upload one of its own over what it could not read', async () => {
    const { relay, cat } = await joinWithSnapshot(swaps[2][1]);
    relay.snapshotEvery = 1;
    cat.sync.text.insert(0, 'x');
    await until(() => relay.updates.some((u) => u.sender === cat.sync.memberId), "Cat's edit stored");
    await sleep(30); // a snapshot would follow the edit's acknowledgement at once
    // Its own upload would claim to cover the updates it never read, and the server would drop them.
    expect(relay.snapshotCalls.filter((c) => c.sender === cat.sync.memberId)).toEqual([]);
  });
});
