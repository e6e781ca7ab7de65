// The chat part of FakeRelay: per-room message log, idempotent SendChat, history pages, typing.
import type { ChatAck, ChatPage, Envelope, StoredChat } from '../protocol';
import type { RefusalCode } from '../refusals';
import type { TransportEvents } from '../transport';
import type { FakeKeys } from './fakeKeys';
import type { FakeTransport } from './fakeTransport';
import { hubRefusal } from './hubRefusal';

export abstract class FakeChat {
  abstract readonly roomId: string;
  abstract readonly keys: FakeKeys;
  chats: StoredChat[] = [];
  /** Every SendChat call, repeats included. */
  readonly chatCalls: { sender: string; clientMessageId: string }[] = [];
  /** Store the next chat message, then drop the connection before the acknowledgement arrives. */
  loseNextChatAck = false;
  /** Refuse this many of the next SendChat calls with this hub error. */
  refuseChats = 0;
  /** What the refused tries are refused with. */
  refuseChatsWith: { code: RefusalCode; text: string } = { code: 'rate-limited', text: 'Too many requests: slow down.' };
  /** While set, SendChat never answers (the client's timeout has to act). */
  holdChats = false;
  readonly typingCalls: { sender: string; typing: boolean }[] = [];
  private readonly chatAcks = new Map<string, ChatAck>();

  protected abstract fanOut(from: FakeTransport | null, deliver: (listener: Partial<TransportEvents>) => void): void;

  sendChat(from: FakeTransport, clientMessageId: string, envelope: Envelope): ChatAck | Promise<never> {
    const sender = from.memberId!;
    this.chatCalls.push({ sender, clientMessageId });
    if (this.holdChats) return new Promise<never>(() => {});
    if (this.refuseChats > 0) {
      this.refuseChats--;
      throw hubRefusal('SendChat', this.refuseChatsWith.code, this.refuseChatsWith.text);
    }
    const key = `${sender}|${clientMessageId}`;
    const known = this.chatAcks.get(key);
    if (known) return known; // idempotent per (room, sender, clientMessageId), as the server is
    this.keys.checkEpoch('SendChat', envelope);
    const message = { seq: this.chats.length + 1, sender, clientMessageId, sentAt: 1_700_000_000_000 + this.chats.length * 1000, envelope };
    this.chats.push(message);
    const ack = { seq: message.seq, sentAt: message.sentAt };
    this.chatAcks.set(key, ack);
    this.fanOut(from, (l) => l.chat?.(this.roomId, message));
    return ack;
  }

  chatHistory(beforeSeq: number, limit: number): ChatPage {
    const older = this.chats.filter((m) => beforeSeq === 0 || m.seq < beforeSeq).reverse();
    return { messages: older.slice(0, limit), more: older.length > limit };
  }

  chatSince(afterSeq: number, limit: number): ChatPage {
    const newer = this.chats.filter((m) => m.seq > afterSeq);
    return { messages: newer.slice(0, limit), more: newer.length > limit };
  }

  relayTyping(from: FakeTransport, typing: boolean): void {
    this.typingCalls.push({ sender: from.memberId!, typing });
    this.fanOut(from, (l) => l.typing?.(this.roomId, from.memberId!, typing));
  }
}
