import type { LocalVault, RoomKeyRing } from '../crypto';
import type { PendingAttachment } from '../files/attachment';
import type { Membership } from '../rooms/memberStore';
import { Value } from '../state/value';
import { KeptRecord } from '../sync/keptRecord';
import { SeqTracker } from '../sync/seqTracker';
import { LIMITS } from '../wire/limits';
import type { StoredChat } from '../wire/protocol';
import type { RoomTransport } from '../wire/transport';
import { ChatTimeline, type ChatItem, type StoredMessage } from './chatTimeline';
import { decodeKeptOutbox, encodeKeptOutbox, type KeptOutbox } from './keptMessages';
import { ActionFold } from './messageActions';
import { decodeMessageBody, encodeMessageBody, type Author, type MessageAction, type MessageBody, type MessageRef } from './messageBody';
import { Outbox } from './outbox';
import { MessageIds, SenderOrder } from './senderOrder';
import { TypingPeople, TypingSignal } from './typing';

export type { ChatItem, PendingAttachment };

export interface ChatProblem {
  kind: 'undecryptable' | 'out-of-order' | 'replayed' | 'catch-up-failed' | 'send-failed';
  message: string;
}

export interface ChatSyncOptions {
  roomId: string;
  keys: RoomKeyRing;
  transport: RoomTransport;
  /** RoomSync's membership: chat calls go out only while it is set, and each new one catches up. */
  membership: Value<Membership | null>;
  author: () => Author;
  onProblem?: (problem: ChatProblem) => void;
  /** Where unsent messages outlive the page (see KeptRecord); without it they last for this page only. */
  vault?: Promise<LocalVault | null>;
  pageSize?: number;
  sendTimeoutMs?: number;
  /** Refusals and timeouts (while connected) before a message shows as failed. */
  maxAttempts?: number;
  retryMs?: number;
  typingIdleMs?: number;
  typingExpireMs?: number;
}

const SINCE_LIMIT = LIMITS.chatMaxPage;
const HIDDEN = Symbol('hidden');
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The room's chat over the hub: encrypted messages sent optimistically through an outbox that
 * survives reconnects, history in pages (newest first), catch-up after every rejoin, deduplication
 * by seq and by sender + client message id, and typing signals.
 */
export class ChatSync {
  readonly messages: Value<readonly ChatItem[]>;
  readonly hasEarlier = new Value(false);
  readonly loadingEarlier = new Value(false);
  /** True once the newest page has arrived after the first join. */
  readonly loaded = new Value(false);
  /** Member ids of the others who are typing. */
  readonly typing: Value<readonly string[]>;
  /** The newest author details per member seen in messages: names of members who are offline. */
  readonly authors: Value<ReadonlyMap<string, Author>>;

  private readonly timeline = new ChatTimeline(new ActionFold().apply);
  /** Highest seq up to which this browser has every message (from the first page it loaded on). */
  private readonly seqs = new SeqTracker();
  private readonly outbox: Outbox;
  private readonly kept: KeptRecord;
  /** Settles once what an earlier visit left is back in the outbox: the first catch-up waits for it. */
  private restored: Promise<void> = Promise.resolve();
  private readonly ids = new MessageIds();
  /** Each sender's counters by seq: a replay, a reordering or a drop by the server shows here. */
  private readonly order = new SenderOrder();
  private readonly typingPeople: TypingPeople;
  private readonly typingSignal: TypingSignal;
  private me: Membership | null = null;
  private lastMemberId: string | null = null;
  private catchingUp = false;
  private catchUpAgain = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly unsubscribe: (() => void)[] = [];
  private destroyed = false;

  constructor(private readonly options: ChatSyncOptions) {
    const { roomId, keys, transport } = options;
    this.messages = this.timeline.items;
    this.authors = this.timeline.authors;
    this.typingPeople = new TypingPeople(options.typingExpireMs);
    this.typing = this.typingPeople.memberIds;
    this.typingSignal = new TypingSignal(this.sendTyping, options.typingIdleMs);
    this.outbox = new Outbox({
      seal: (body, sender, messageId) => keys.encrypt({ roomId, kind: 'chat', sender, messageId }, encodeMessageBody(body)),
      nextId: () => this.ids.next(),
      keyEpoch: () => keys.currentEpoch,
      sendChat: (id, envelope) => transport.sendChat(roomId, id, envelope),
      membership: () => this.me,
      self: () => this.lastMemberId,
      numbered: () => this.kept.flush(),
      confirmed: (message) => {
        this.order.check(message.seq, message.sender, message.clientMessageId);
        this.timeline.add([message], message.sender);
        this.markGaps();
        this.seqs.record(message.seq);
        this.fillGapsSoon();
      },
      changed: (items) => {
        this.timeline.setPending(items);
        this.kept.changed();
      },
      report: (message) => this.report('send-failed', message),
      sendTimeoutMs: options.sendTimeoutMs,
      maxAttempts: options.maxAttempts,
      retryMs: options.retryMs,
    });
    this.kept = new KeptRecord({
      vault: options.vault ?? Promise.resolve(null),
      name: `${roomId}/chat`,
      snapshot: () => (this.outbox.count === 0 ? null : encodeKeptOutbox(this.outbox.keep())),
      report: (message) => this.report('send-failed', message),
    });
  }

  /** Messages not yet acknowledged by the server, failed ones included. */
  get unsentCount(): number {
    return this.outbox.count;
  }

  /** The room is over for this browser: unsent messages are dropped, here and from the browser's storage. */
  dropUnsent(): void {
    this.outbox.drop();
    void this.kept.forget(); // with what closed tabs left for this room
  }

  start(): void {
    const { transport, roomId, membership } = this.options;
    this.unsubscribe.push(
      transport.subscribe({
        chat: (room, message) => {
          if (room !== roomId) return;
          this.typingPeople.set(message.sender, false); // they sent what they were typing
          void this.ingestLive([message]);
        },
        typing: (room, memberId, typing) => {
          if (room === roomId && memberId !== this.me?.memberId) this.typingPeople.set(memberId, typing);
        },
        memberLeft: (room, memberId) => room === roomId && this.typingPeople.set(memberId, false),
      }),
      membership.subscribe(this.onMembership),
      // A newer key: a message refused as stale goes out again, sealed under it.
      this.options.keys.subscribe(() => void this.outbox.flush()),
    );
    // Restored before the first catch-up, so one that did reach the server is recognised there and not shown twice.
    this.restored = this.kept
      .load()
      .then((records) => this.restoreKept(records))
      .catch((error: unknown) => this.report('send-failed', `Could not restore unsent messages: ${messageOf(error)}`));
    this.onMembership(membership.get());
  }

  /** Messages closed tabs of this room left unsent (see KeptRecord.load): shown as sending, and sent, by this tab. */
  private restoreKept(records: Uint8Array[]): void {
    if (this.destroyed || records.length === 0) return;
    const kept: KeptOutbox[] = [];
    for (const bytes of records) {
      try {
        kept.push(decodeKeptOutbox(bytes));
      } catch (error) {
        this.report('send-failed', `Could not restore unsent messages: ${messageOf(error)}`);
      }
    }
    // In one go: a message in two records is restored once (Outbox.restore), before either goes out under a new id.
    this.outbox.restore({ lastId: kept.find((k) => k.lastId !== null)?.lastId ?? null, messages: kept.flatMap((k) => k.messages) });
    this.kept.taken();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.typingSignal.stop();
    this.destroyed = true;
    for (const off of this.unsubscribe) off();
    for (const timer of this.timers) clearTimeout(timer);
    this.outbox.destroy();
    void this.kept.stop();
    this.typingPeople.clear();
  }

  /** Shows the message at once as "sending"; it goes out (after its uploads) as soon as it can. */
  send(text: string, attachments: PendingAttachment[] = [], replyTo?: MessageRef): void {
    const body = text.replace(/\s+$/, ''); // trailing blank lines only; leading indentation may be code
    if (!body.trim() && attachments.length === 0) return;
    this.typingSignal.stop();
    this.outbox.add(this.options.author(), body, attachments, replyTo ? { replyTo } : {});
  }

  /** An edit (with its new text), delete or reaction: sent, acknowledged and retried like a message, shown folded into its target. */
  act(action: MessageAction, text = ''): void {
    this.outbox.add(this.options.author(), text.replace(/\s+$/, ''), [], { action });
  }

  /** Sends a failed message again with the same id: if an earlier try did land, it still lands once. */
  retry(clientMessageId: string): void {
    this.outbox.retry(clientMessageId);
  }

  /** Drops a failed message, cancelling what it still uploads. */
  discard(clientMessageId: string): void {
    this.outbox.discard(clientMessageId);
  }

  /** Call on every keystroke in the composer. */
  typingInput(): void {
    this.typingSignal.input();
  }

  typingStopped(): void {
    this.typingSignal.stop();
  }

  async loadEarlier(): Promise<void> {
    const me = this.me;
    if (!me || !this.hasEarlier.get() || this.loadingEarlier.get()) return;
    this.loadingEarlier.set(true);
    try {
      const page = await this.options.transport.chatHistory(this.options.roomId, this.timeline.oldestSeq, this.pageSize);
      if (me !== this.me) return;
      await this.ingest(page.messages);
      this.hasEarlier.set(page.more && page.messages.length > 0);
    } catch (error) {
      this.report('catch-up-failed', `Could not load earlier messages: ${messageOf(error)}`);
    } finally {
      this.loadingEarlier.set(false);
    }
  }

  private get pageSize(): number {
    return this.options.pageSize ?? 50;
  }

  private readonly onMembership = (membership: Membership | null) => {
    if (this.destroyed) return;
    this.me = membership;
    if (membership) this.lastMemberId = membership.memberId;
    if (!membership) {
      this.typingSignal.reset();
      this.typingPeople.clear(); // their `false` may never reach us now
      return;
    }
    void this.restored.then(() => this.catchUp()).then(() => this.outbox.flush());
  };

  /** First join: the newest page. Then, and after every rejoin: everything after the contiguous seq. */
  private async catchUp(): Promise<void> {
    if (this.catchingUp) {
      this.catchUpAgain = true;
      return;
    }
    this.catchingUp = true;
    const me = this.me;
    const { transport, roomId } = this.options;
    try {
      if (!me) return;
      if (!this.loaded.get()) {
        const page = await transport.chatHistory(roomId, 0, this.pageSize);
        if (me !== this.me) return;
        await this.ingest(page.messages);
        // A page is a run of consecutive seqs (the chat log has no gaps), so all of it counts.
        this.seqs.coverUpTo(Math.max(0, ...page.messages.map((m) => m.seq)));
        this.hasEarlier.set(page.more);
        this.loaded.set(true);
      }
      for (;;) {
        const page = await transport.chatSince(roomId, this.seqs.lastSeq, SINCE_LIMIT);
        if (me !== this.me) return;
        await this.ingestLive(page.messages, false);
        if (!page.more || page.messages.length === 0) break;
      }
    } catch (error) {
      if (me !== this.me) return; // the connection went; the next join catches up
      this.report('catch-up-failed', messageOf(error));
      this.later(() => void this.catchUp(), this.options.retryMs ?? 2000);
    } finally {
      this.catchingUp = false;
      if (this.catchUpAgain) {
        this.catchUpAgain = false;
        void this.catchUp();
      }
    }
  }

  /** Messages that extend the log (live events, catch-up pages) move the contiguous seq. */
  private async ingestLive(messages: StoredChat[], fillGaps = true): Promise<void> {
    await this.ingest(messages);
    for (const m of messages) this.seqs.record(m.seq);
    if (fillGaps) this.fillGapsSoon();
  }

  private async ingest(messages: StoredChat[]): Promise<void> {
    for (const m of messages) {
      const at = this.timeline.seqOf(m.sender, m.clientMessageId);
      // The id is bound into the envelope: the same one at another seq is the server replaying it.
      if (at !== undefined && at !== m.seq) this.report('replayed', `Dropped a replay of chat message ${at} from ${m.sender} at ${m.seq}`);
    }
    const fresh = messages.filter((m) => !this.timeline.has(m)).sort((a, b) => a.seq - b.seq);
    if (fresh.length === 0) return;
    const opened = await Promise.all(fresh.map((m) => this.open(m)));
    const self = this.lastMemberId;
    // Our own messages whose acknowledgement we missed: the stored copy replaces the unsent one.
    this.outbox.delivered(new Set(fresh.filter((m) => m.sender === self).map((m) => m.clientMessageId)));
    this.timeline.add(
      fresh.map((m, i) => (opened[i] === HIDDEN ? { ...m, body: null, hidden: true } : this.ordered(m, opened[i] as MessageBody | null))),
      self,
    );
    this.markGaps();
  }

  /** A verified message keeps its body only if its counter fits its sender's order. */
  private ordered(m: StoredChat, body: MessageBody | null): StoredMessage {
    if (!body || this.timeline.has(m)) return { ...m, body };
    const verdict = this.order.check(m.seq, m.sender, m.clientMessageId);
    if (verdict === 'in-order') return { ...m, body };
    if (verdict === 'replayed') {
      this.report('replayed', `Dropped a replay of a chat message from ${m.sender} at ${m.seq}`);
      return { ...m, body: null, hidden: true };
    }
    this.report('out-of-order', `Refused chat message ${m.seq} from ${m.sender}: ${verdict === 'reordered' ? 'its counter runs backwards' : 'its id names no counter'}`);
    return { ...m, body: null, outOfOrder: true };
  }

  private markGaps(): void {
    const gaps = this.order.gaps((from, to) => this.timeline.complete(from, to));
    this.timeline.setGaps(new Map(gaps.map((g) => [g.beforeSeq, g.missing])));
  }

  private async open(stored: StoredChat): Promise<MessageBody | null | typeof HIDDEN> {
    // Sent under a key this browser was never given (history hidden from it, or sent after a
    // rotation that left it out): not shown, and not worth a problem report per message.
    if (!(await this.options.keys.holds(stored.envelope.epoch))) return HIDDEN;
    try {
      const ctx = { roomId: this.options.roomId, kind: 'chat' as const, sender: stored.sender, messageId: stored.clientMessageId };
      return decodeMessageBody(await this.options.keys.decrypt(ctx, stored.envelope));
    } catch (error) {
      this.report('undecryptable', `Skipped chat message ${stored.seq} from ${stored.sender}: ${messageOf(error)}`);
      return null;
    }
  }

  /** A message past a gap means others were missed (they raced the join): fetch them shortly. */
  private fillGapsSoon(): void {
    if (!this.loaded.get() || !this.timeline.hasAbove(this.seqs.lastSeq)) return;
    this.later(() => {
      if (this.timeline.hasAbove(this.seqs.lastSeq)) void this.catchUp();
    }, 250);
  }

  private readonly sendTyping = (typing: boolean) => {
    if (!this.me) return;
    this.options.transport.setTyping(this.options.roomId, typing).catch(() => {}); // best effort by design
  };

  private later(work: () => void, ms: number): void {
    if (this.destroyed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.destroyed) work();
    }, ms);
    this.timers.add(timer);
  }

  private report(kind: ChatProblem['kind'], message: string): void {
    (this.options.onProblem ?? ((p: ChatProblem) => console.warn(`[parley] chat ${p.kind}: ${p.message}`)))({ kind, message });
  }
}
