import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { importRoomKey, RoomKeyRing, type Envelope } from '../crypto';
import { memoryMemberStore } from '../rooms/memberStore';
import { REFUSAL_WORDS } from '../wire/refusalWords';
import { TEST_JOIN_KEY, TEST_LINK, testDevice } from '../wire/testing/devices';
import { FakeRelay, type FakeTransport } from '../wire/testing/fakeRelay';
import { RoomSync, type RoomSyncOptions, type SyncProblem } from './roomSync';

const ROOM = 'Qx7pL2mN9vR4tY8wZ1aB3c';
const KEY_BYTES = new Uint8Array(32).fill(9);
const realSetTimeout = globalThis.setTimeout; // captured before any test fakes timers
const sleep = (ms: number) => new Promise((resolve) => realSetTimeout(resolve, ms));

/** Waits for a condition with a bounded timeout; no test relies on a fixed sleep to sync. */
async function until(condition: () => boolean, what = 'condition', timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(2);
  }
}

const ring = async () => new RoomKeyRing({ epoch: 0, key: await importRoomKey(KEY_BYTES) });
const syncs: RoomSync[] = [];

async function client(transport: FakeTransport, extra: Partial<RoomSyncOptions> = {}) {
  const problems: SyncProblem[] = [];
  const sync = new RoomSync({
    roomId: ROOM,
    linkSecret: TEST_LINK,
    device: await testDevice(),
    keys: await ring(),
    transport,
    members: memoryMemberStore(),
    onProblem: (p) => problems.push(p),
    retryMs: 50,
    ...extra,
  });
  syncs.push(sync);
  sync.start();
  return { sync, problems };
}

async function joined(transport: FakeTransport, extra: Partial<RoomSyncOptions> = {}) {
  const c = await client(transport, extra);
  await until(() => c.sync.status.get() === 'connected', 'join');
  return c;
}

/** The creator's browser: its snapshots replace the log at once (other members' wait for a confirmation). */
function asCreator(relay: FakeRelay): Partial<RoomSyncOptions> {
  const members = memoryMemberStore();
  members.saveCreatorToken(ROOM, relay.creatorToken);
  return { members };
}

async function open(envelope: Envelope, sender: string, kind: 'doc-update' | 'doc-snapshot' = 'doc-update') {
  return (await ring()).decrypt({ roomId: ROOM, kind, sender }, envelope);
}

/** Encrypted updates from a member that exists only in the test. */
async function foreignUpdates(sender: string, edit: (text: Y.Text) => void[]): Promise<Envelope[]> {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  edit(doc.getText('code'));
  const keys = await ring();
  return Promise.all(updates.map((u) => keys.encrypt({ roomId: ROOM, kind: 'doc-update', sender }, u)));
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(syncs.splice(0).map((s) => s.destroy(200)));
});

describe('RoomSync', () => {
  it('merges local edits made within 30 ms into one push', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const { sync } = await joined(relay.connect());
    sync.text.insert(0, 'a');
    sync.text.insert(1, 'b');
    sync.meta.set('language', 'python');
    vi.advanceTimersByTime(29);
    await sleep(20);
    expect(relay.updates).toHaveLength(0);
    expect(sync.pendingCount).toBe(1);

    vi.advanceTimersByTime(1);
    await until(() => relay.updates.length === 1 && sync.pendingCount === 0, 'the push');
    await sleep(30);
    expect(relay.updates).toHaveLength(1);
    const replica = new Y.Doc();
    Y.applyUpdate(replica, await open(relay.updates[0].envelope, sync.memberId!));
    expect(replica.getText('code').toString()).toBe('ab');
    expect(replica.getMap('meta').get('language')).toBe('python');
    expect(sync.lastSeq).toBe(1);
  });

  it('keeps edits typed while offline and sends them after the rejoin', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const transport = relay.connect();
    const { sync } = await joined(transport);
    sync.text.insert(0, 'hello');
    await until(() => relay.updates.length === 1 && sync.pendingCount === 0, 'first push');

    transport.disconnect();
    expect(sync.status.get()).toBe('reconnecting');
    sync.text.insert(5, ' world');
    await sleep(60);
    expect(relay.updates).toHaveLength(1);
    expect(sync.pendingCount).toBe(1);

    transport.reconnect();
    await until(() => relay.updates.length === 2 && sync.pendingCount === 0, 'pending re-sent');
    expect(relay.joins[1]).toMatchObject({ memberId: sync.memberId, sinceSeq: 1 });

    const { sync: late } = await joined(relay.connect());
    expect(late.text.toString()).toBe('hello world');
  });

  it('re-sends an update whose acknowledgement was lost, and it applies once', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const transport = relay.connect();
    const { sync } = await joined(transport);
    relay.loseNextAck = true;
    sync.text.insert(0, 'abc');
    await until(() => transport.state === 'reconnecting', 'the drop');
    expect(relay.updates).toHaveLength(1);
    expect(sync.pendingCount).toBe(1);

    transport.reconnect();
    await until(() => relay.updates.length === 2 && sync.pendingCount === 0, 're-send');
    await until(() => sync.lastSeq === 2, 'lastSeq to cover both copies');
    const { sync: other } = await joined(relay.connect());
    expect(other.text.toString()).toBe('abc');
  });

  it('keeps a refused update pending and retries it while connected', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    relay.refusePushes = 2;
    const { sync, problems } = await joined(relay.connect());
    sync.text.insert(0, 'kept');
    await until(() => relay.updates.length === 1 && sync.pendingCount === 0, 'third try to land');
    expect(problems.filter((p) => p.kind === 'push-failed')).toHaveLength(2);
    const { sync: other } = await joined(relay.connect());
    expect(other.text.toString()).toBe('kept');
  });

  it('answers room-log-full with a snapshot and keeps the refused edit until it lands', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const { sync } = await joined(relay.connect(), asCreator(relay));
    sync.text.insert(0, 'a');
    await until(() => sync.lastSeq === 1, 'first push');
    relay.refusePushes = 1;
    relay.refusePushesAs = 'room-log-full';
    sync.text.insert(1, 'b');
    await until(() => relay.snapshot !== null, 'snapshot uploaded');
    expect(relay.snapshot!.upToSeq).toBe(1);
    await until(() => sync.pendingCount === 0 && relay.updates.length === 1, 'refused edit to land');
    const { sync: other } = await joined(relay.connect());
    expect(other.text.toString()).toBe('ab');
  });

  it('converges two clients editing concurrently through the relay', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const a = (await joined(relay.connect())).sync;
    const b = (await joined(relay.connect())).sync;
    for (let i = 0; i < 25; i++) {
      a.text.insert(Math.floor(Math.random() * (a.text.length + 1)), `a${i % 10}`);
      b.text.insert(Math.floor(Math.random() * (b.text.length + 1)), `b${i % 10}`);
      if (i % 5 === 0) a.text.delete(0, Math.min(1, a.text.length));
      if (i % 7 === 0) await sleep(Math.random() * 40);
    }
    a.meta.set('language', 'python');
    b.meta.set('language', 'go');
    await until(
      () => a.pendingCount === 0 && b.pendingCount === 0 && a.text.toString() === b.text.toString() &&
        a.meta.get('language') === b.meta.get('language') && a.lastSeq === b.lastSeq,
      'convergence',
    );
    expect(a.text.length).toBe(100 - 5);
    expect(a.lastSeq).toBe(relay.updates.length);
  });

  it('keeps lastSeq contiguous when updates arrive out of order', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const transport = relay.connect();
    const { sync } = await joined(transport);
    const [e1, e2, e3] = await foreignUpdates('member-x', (t) => [t.insert(0, 'x'), t.insert(1, 'y'), t.insert(2, 'z')]);
    const [e4] = await foreignUpdates('member-y', (t) => [t.insert(0, '>')]);
    const deliver = (seq: number, sender: string, envelope: Envelope) =>
      transport.emit((l) => l.docUpdate?.(ROOM, { seq, sender, envelope }));

    deliver(3, 'member-x', e3);
    await sleep(30);
    expect(sync.lastSeq).toBe(0);
    deliver(1, 'member-x', e1);
    await until(() => sync.lastSeq === 1, 'seq 1');
    deliver(2, 'member-x', e2);
    await until(() => sync.lastSeq === 3, 'seq 3');
    expect(sync.text.toString()).toBe('xyz');

    // Its own acknowledged pushes count too, but only once the gap before them is filled.
    relay.nextSeq = 5;
    sync.text.insert(3, '!');
    await until(() => sync.pendingCount === 0, 'push');
    await sleep(20);
    expect(sync.lastSeq).toBe(3);
    deliver(4, 'member-y', e4);
    await until(() => sync.lastSeq === 5, 'seq 5');
    expect(sync.text.toString()).toMatch(/^(>xyz!|xyz!>)$/);
  });

  it('uploads exactly one snapshot when asked, covering lastSeq', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    relay.snapshotEvery = 3;
    let release!: () => void;
    relay.snapshotGate = new Promise((resolve) => (release = resolve));
    const { sync } = await joined(relay.connect(), asCreator(relay));
    for (const [i, ch] of [...'abcd'].entries()) {
      sync.text.insert(i, ch);
      await until(() => sync.lastSeq === i + 1, `push ${i + 1}`);
    }
    expect(relay.snapshotCalls).toHaveLength(1); // pushes 3 and 4 both said snapshotDue
    expect(relay.snapshotCalls[0].upToSeq).toBe(3);
    const state = new Y.Doc();
    Y.applyUpdate(state, await open(relay.snapshotCalls[0].envelope, sync.memberId!, 'doc-snapshot'));
    expect(state.getText('code').toString()).toBe('abc');

    release();
    await until(() => relay.snapshot !== null, 'snapshot stored');
    expect(relay.updates.map((u) => u.seq)).toEqual([4]);
    const { sync: joiner } = await joined(relay.connect());
    expect(joiner.text.toString()).toBe('abcd');
    expect(joiner.lastSeq).toBe(4);
  });

  it('skips and reports an envelope that fails to decrypt', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const transport = relay.connect();
    const { sync, problems } = await joined(transport);
    const [one] = await foreignUpdates('member-x', (t) => [t.insert(0, 'one ')]);
    const [two] = await foreignUpdates('member-y', (t) => [t.insert(0, 'two ')]);
    const [three] = await foreignUpdates('member-z', (t) => [t.insert(0, 'three')]);
    const tampered = { ...two, ciphertext: two.ciphertext.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    transport.emit((l) => {
      l.docUpdate?.(ROOM, { seq: 1, sender: 'member-x', envelope: one });
      l.docUpdate?.(ROOM, { seq: 2, sender: 'member-y', envelope: tampered });
      l.docUpdate?.(ROOM, { seq: 3, sender: 'member-x', envelope: three }); // wrong sender: AD mismatch
    });
    await until(() => sync.lastSeq === 3, 'all three seen');
    expect(sync.text.toString()).toBe('one ');
    expect(problems.filter((p) => p.kind === 'undecryptable')).toHaveLength(2);
    expect(sync.status.get()).toBe('connected');
  });

  it('shares awareness, counts members online and drops the cursors of one who leaves', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const a = (await joined(relay.connect())).sync;
    const bTransport = relay.connect();
    const b = (await joined(bTransport)).sync;
    a.awareness.setLocalStateField('user', { name: 'Ann', color: '#ff0000' });
    b.awareness.setLocalStateField('user', { name: 'Bob', color: '#00ff00' });
    await until(() => a.awareness.getStates().get(b.doc.clientID)?.user?.name === 'Bob', 'Bob at Ann');
    await until(() => b.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Ann', 'Ann at Bob');
    expect([a.onlineCount.get(), b.onlineCount.get()]).toEqual([2, 2]);

    bTransport.disconnect();
    await until(() => !a.awareness.getStates().has(b.doc.clientID) && a.onlineCount.get() === 1, 'Bob gone');

    bTransport.reconnect();
    await until(() => a.awareness.getStates().get(b.doc.clientID)?.user?.name === 'Bob', 'Bob back');
    expect(a.onlineCount.get()).toBe(2);
  });

  it('lets the last batched edit go out when destroyed', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const { sync } = await joined(relay.connect());
    sync.text.insert(0, 'last words');
    await sync.destroy();
    expect(relay.updates).toHaveLength(1);
    const { sync: other } = await joined(relay.connect());
    expect(other.text.toString()).toBe('last words');
  });

  it('publishes its membership once joined, drops it on a disconnect and renews it on every rejoin', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    const transport = relay.connect();
    const { sync } = await client(transport);
    await until(() => sync.membership.get() !== null, 'membership');
    const first = sync.membership.get()!;
    expect(first).toMatchObject({ memberId: sync.memberId, joinCount: 1 });
    expect(first.memberToken.length).toBeGreaterThan(0);

    transport.disconnect();
    expect(sync.membership.get()).toBeNull();
    transport.reconnect();
    await until(() => sync.membership.get() !== null, 'membership after the rejoin');
    expect(sync.membership.get()).toMatchObject({ memberId: first.memberId, joinCount: 2 });
    expect(sync.online.get()).toEqual([first.memberId]);
  });

  it('fails clearly, without retrying, when the join key is wrong', async () => {
    const relay = new FakeRelay(ROOM, new Uint8Array(32), { preKeyed: true });
    const { sync } = await client(relay.connect());
    await until(() => sync.status.get() === 'failed', 'failure');
    expect(sync.failure.get()).toBe(REFUSAL_WORDS['join-key-invalid']);
    expect(sync.joinRefusal.get()).toBe('join-key-invalid'); // the page then says the link does not open the room
    expect(sync.membership.get()).toBeNull();
  });

  it('follows `more` through every page when catching up', async () => {
    const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, { preKeyed: true });
    relay.pageSize = 2;
    const { sync: writer } = await joined(relay.connect());
    for (let i = 0; i < 5; i++) {
      writer.text.insert(i, String(i));
      await until(() => writer.lastSeq === i + 1, `push ${i + 1}`);
    }
    const { sync: reader } = await joined(relay.connect());
    expect(reader.text.toString()).toBe('01234');
    expect(reader.lastSeq).toBe(5);
  });
});
