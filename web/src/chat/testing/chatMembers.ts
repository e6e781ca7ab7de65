// A member's RoomSync and ChatSync over FakeRelay, wired as the app wires them, and messages from
// members that exist only in the test, for the chat tests. Unit tests only.
import { memoryMemberStore } from '../../rooms/memberStore';
import { RoomSync } from '../../sync/roomSync';
import { TEST_ROOM, testKeys as ring } from '../../sync/testing/members';
import type { StoredChat } from '../../wire/protocol';
import { TEST_LINK, testDevice } from '../../wire/testing/devices';
import type { FakeTransport } from '../../wire/testing/fakeRelay';
import { until } from '../../wire/testing/waiting';
import { ChatSync, type ChatProblem, type ChatSyncOptions } from '../chatSync';
import { encodeMessageBody, type MessageBody } from '../messageBody';

export const ROOM = TEST_ROOM;

const running: { room: RoomSync; chat: ChatSync }[] = [];

/** Call from afterEach. */
export async function stopMembers(): Promise<void> {
  for (const { room, chat } of running.splice(0)) {
    chat.destroy();
    await room.destroy(100);
  }
}

/** A member in the room: RoomSync joins, ChatSync rides on its membership, as in the app. */
export async function member(transport: FakeTransport, name: string, extra: Partial<ChatSyncOptions> = {}) {
  const keys = await ring();
  const problems: ChatProblem[] = [];
  const room = new RoomSync({ roomId: ROOM, linkSecret: TEST_LINK,
    device: await testDevice(), keys, transport, members: memoryMemberStore(), onProblem: () => {}, retryMs: 20 });
  const chat = new ChatSync({
    roomId: ROOM,
    keys,
    transport,
    membership: room.membership,
    author: () => ({ name, color: '#34d399' }),
    onProblem: (p) => problems.push(p),
    retryMs: 10,
    ...extra,
  });
  running.push({ room, chat });
  room.start();
  chat.start();
  await until(() => chat.loaded.get(), `${name} to load the chat`);
  return { room, chat, problems, transport };
}

/** An encrypted message from a member that exists only in the test; its counter is its seq unless given an id. */
export async function foreign(
  seq: number,
  sender: string,
  text: string,
  clientMessageId = `${sender.padEnd(22, 'A')}.${seq}`,
  extra: Partial<MessageBody> = {},
): Promise<StoredChat> {
  const body = encodeMessageBody({ author: { name: sender, color: '#ffffff' }, text, attachments: [], ...extra });
  const envelope = await (await ring()).encrypt({ roomId: ROOM, kind: 'chat', sender, messageId: clientMessageId }, body);
  return { seq, sender, clientMessageId, sentAt: 1_700_000_000_000 + seq, envelope };
}
