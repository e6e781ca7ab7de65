// Browsers in a room over FakeRelay, wired as the app wires them, for the key tests. Unit tests only.
import { RoomKeyRing, type Envelope } from '../../crypto';
import { memoryMemberStore, type MemberStore } from '../../rooms/memberStore';
import { RoomSync, type SyncProblem } from '../../sync/roomSync';
import { TEST_JOIN_KEY, TEST_LINK, testDevice } from '../../wire/testing/devices';
import { FakeRelay, type FakeRelayOptions, type FakeTransport } from '../../wire/testing/fakeRelay';
import { until } from '../../wire/testing/waiting';
import { ChatSync, type ChatProblem } from '../chatSync';

export const ROOM = 'Qx7pL2mN9vR4tY8wZ1aB3c';

export interface Member {
  sync: RoomSync;
  chat: ChatSync;
  keys: RoomKeyRing;
  members: MemberStore;
  transport: FakeTransport;
  problems: SyncProblem[];
  chatProblems: ChatProblem[];
}

export interface MemberOptions {
  /** Index of the test device (one per person: a kicked device is banned). */
  device: number;
  link?: Uint8Array;
  creator?: boolean;
  members?: MemberStore;
}

const running: Member[] = [];

/** Stops every browser the test started (for afterEach). */
export async function stopMembers(): Promise<void> {
  for (const m of running.splice(0)) await stop(m);
}

/** Closes a browser's page (a reload, say): its stored membership stays in its MemberStore. */
export async function stop(m: Member): Promise<void> {
  m.chat.destroy();
  await m.sync.destroy(100);
}

/** A browser in the room: RoomSync and ChatSync on one ring, as the app wires them. */
export async function member(relay: FakeRelay, { device, link = TEST_LINK, creator = false, members = memoryMemberStore() }: MemberOptions): Promise<Member> {
  if (creator) members.saveCreatorToken(ROOM, relay.creatorToken);
  const keys = new RoomKeyRing();
  const transport = relay.connect();
  const problems: SyncProblem[] = [];
  const sync = new RoomSync({
    roomId: ROOM,
    linkSecret: link,
    device: await testDevice(device),
    keys,
    transport,
    members,
    onProblem: (p) => problems.push(p),
    retryMs: 20,
    rotationDelayMs: () => 5,
  });
  const chatProblems: ChatProblem[] = [];
  const chat = new ChatSync({
    roomId: ROOM,
    keys,
    transport,
    membership: sync.membership,
    author: () => ({ name: `device ${device}`, color: '#34d399' }),
    onProblem: (p) => chatProblems.push(p),
    retryMs: 10,
  });
  const m = { sync, chat, keys, members, transport, problems, chatProblems };
  running.push(m);
  sync.start();
  chat.start();
  return m;
}

/** In the room with its key: the doc caught up and the chat loaded. */
export const inRoom = (m: Member, what = 'the room') => until(() => m.sync.status.get() === 'connected' && m.chat.loaded.get(), what);

export async function keyedMember(relay: FakeRelay, options: MemberOptions): Promise<Member> {
  const m = await member(relay, options);
  await inRoom(m, `device ${options.device} in the room`);
  return m;
}

/** A fresh room (epoch -1) whose creator, Ann, is in. */
export async function room(options: FakeRelayOptions = {}) {
  const relay = new FakeRelay(ROOM, TEST_JOIN_KEY, options);
  const ann = await keyedMember(relay, { device: 0, creator: true });
  return { relay, ann };
}

export const texts = (m: Member) => m.chat.messages.get().map((item) => item.body?.text);
export const keyProblems = (m: Member) => m.problems.filter((p) => p.kind === 'keys').map((p) => p.message);
export const openUpdate = (keys: RoomKeyRing, sender: string, envelope: Envelope) => keys.decrypt({ roomId: ROOM, kind: 'doc-update', sender }, envelope);
