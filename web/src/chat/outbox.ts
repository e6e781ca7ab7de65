import { toBase64Url } from '../crypto';
import type { Attachment, PendingAttachment } from '../files/attachment';
import type { Membership } from '../rooms/memberStore';
import type { ChatAck, Envelope } from '../wire/protocol';
import { refusalCodeOf, type RefusalCode } from '../wire/refusals';
import { itemKey, type ChatItem, type StoredMessage } from './chatTimeline';
import type { KeptMessage, KeptOutbox } from './keptMessages';
import type { Author, BodyExtras, MessageBody } from './messageBody';

export interface OutboxOptions {
  /** Encrypts under the room's current key, bound to the message id. */
  seal(body: MessageBody, sender: string, clientMessageId: string): Promise<Envelope>;
  /** The next id of this browser's stream (see senderOrder): ids must go out in the order they are taken. */
  nextId(): string;
  /** The newest key epoch this browser holds. */
  keyEpoch(): number;
  sendChat(clientMessageId: string, envelope: Envelope): Promise<ChatAck>;
  /** The current join; null while not joined, when nothing goes out. */
  membership(): Membership | null;
  /** Our member id from the latest join, kept while disconnected: unsent messages show under it. */
  self(): string | null;
  /** A message took its id: resolves once that is kept, so a tab closed mid-send resends it under the same id. */
  numbered?(): Promise<void>;
  /** The server acknowledged a message. */
  confirmed(message: StoredMessage): void;
  /** The unsent messages changed. */
  changed(items: readonly ChatItem[]): void;
  report(message: string): void;
  sendTimeoutMs?: number;
  maxAttempts?: number;
  retryMs?: number;
}

interface Entry {
  /** A local id until the first seal takes the stream's next id; kept from then on, unless a retry has to move it (see retry). */
  clientMessageId: string;
  /** Whether clientMessageId is a stream id already. */
  numbered: boolean;
  author: Author;
  text: string;
  extras: BodyExtras;
  createdAt: number;
  pending: PendingAttachment[];
  /** Null until every upload has settled. */
  attachments: Attachment[] | null;
  envelope: Envelope | null;
  sealedFor: string | null;
  /** The epoch of a try refused as stale: it waits for a newer key, then goes out sealed under it. */
  staleEpoch: number | null;
  attempts: number;
  failed: string | null;
  /** What the UI shows; rebuilt only when this entry changes, so other messages do not re-render. */
  item: ChatItem | null;
}

// Retrying cannot make these succeed; the person has to change the message.
const PERMANENT: ReadonlySet<RefusalCode | null> = new Set(['envelope-too-large', 'envelope-malformed']);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The server did not answer in time: the try is abandoned here, whatever became of it there. */
class SendTimeout extends Error {
  override name = 'SendTimeout';
}

const bodyOf = (entry: Entry): MessageBody => ({ author: entry.author, text: entry.text, attachments: entry.attachments ?? [], ...entry.extras });

function failureText(error: unknown): string {
  if (refusalCodeOf(error) === 'envelope-too-large') return 'Too long to send';
  if (error instanceof SendTimeout) return 'The server did not answer';
  return 'Not sent';
}

/**
 * This browser's unsent messages. Each keeps one random client message id for life and is sent
 * with it on every try: the server stores only the first copy, so a retry after a lost
 * acknowledgement cannot duplicate it. Messages go one at a time, in the order they were written;
 * a lost connection pauses the queue without counting as a failure.
 */
export class Outbox {
  private readonly entries: Entry[] = [];
  private flushing = false;
  /** The id most recently taken from the stream. */
  private lastId: string | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private destroyed = false;

  constructor(private readonly options: OutboxOptions) {}

  /** Messages not yet acknowledged, failed ones included. */
  get count(): number {
    return this.entries.length;
  }

  /** What must outlive the page: every entry, as plain data (uploads still running are named, not kept). */
  keep(): KeptOutbox {
    const messages = this.entries.map(({ clientMessageId, numbered, author, text, extras, createdAt, attachments, pending, failed }): KeptMessage => {
      const interrupted = attachments === null ? pending.map((p) => p.name) : [];
      return { clientMessageId, numbered, author, text, extras, createdAt, attachments, interrupted, failed };
    });
    return { lastId: this.lastId, messages };
  }

  /**
   * Messages an earlier visit left, ahead of anything written since. A numbered one keeps its id,
   * so if an earlier try did land it is still stored once. An upload the closed page cut short
   * cannot resume (the file is gone with the page): its message waits as failed, saying so.
   */
  restore(kept: KeptOutbox): void {
    this.lastId ??= kept.lastId;
    const restored = kept.messages.map((m): Entry => {
      const names = m.interrupted.join(', ');
      const cutShort = m.attachments === null;
      const failed = cutShort ? `Upload of ${names} was interrupted${m.text.trim() ? '; Retry sends the text without it' : ''}` : m.failed;
      const { clientMessageId, numbered, author, text, extras, createdAt } = m;
      const attachments = m.attachments ?? [];
      return { clientMessageId, numbered, author, text, extras, createdAt, attachments, failed, pending: [], envelope: null, sealedFor: null, staleEpoch: null, attempts: 0, item: null };
    });
    // Once each: a message already here, or twice in what is restored (two records of closed tabs, without Web Locks).
    const fresh = restored.filter((r, i) => !this.entries.some((e) => e.clientMessageId === r.clientMessageId) &&
      restored.findIndex((o) => o.clientMessageId === r.clientMessageId) === i);
    this.entries.unshift(...fresh);
    // Every entry has its item before the list is published: one at a time would publish the others without.
    for (const entry of fresh) this.itemize(entry);
    if (fresh.length > 0) this.publish();
    void this.flush();
  }

  add(author: Author, text: string, attachments: PendingAttachment[], extras: BodyExtras = {}): void {
    const entry: Entry = {
      clientMessageId: `local-${toBase64Url(crypto.getRandomValues(new Uint8Array(16)))}`,
      numbered: false,
      author,
      text,
      extras,
      createdAt: Date.now(),
      pending: attachments,
      attachments: attachments.length === 0 ? [] : null,
      envelope: null,
      sealedFor: null,
      staleEpoch: null,
      attempts: 0,
      failed: null,
      item: null,
    };
    this.entries.push(entry);
    this.changed(entry);
    this.start(entry);
  }

  retry(clientMessageId: string): void {
    const entry = this.entries.find((e) => e.clientMessageId === clientMessageId);
    if (!entry || entry.failed === null) return;
    if (!entry.text.trim() && entry.attachments?.length === 0 && !entry.extras.action) return this.remove(entry); // its only file was cut short
    entry.failed = null;
    entry.attempts = 0;
    // Later messages went out meanwhile: under its old counter it would arrive out of order, and
    // receivers refuse that. It gets the next id, so if an earlier try did land after all (a
    // timeout, not a refusal), the message shows twice rather than not at all.
    if (entry.numbered && entry.clientMessageId !== this.lastId) {
      entry.numbered = false;
      entry.envelope = null;
    }
    this.changed(entry);
    this.start(entry);
  }

  discard(clientMessageId: string): void {
    const entry = this.entries.find((e) => e.clientMessageId === clientMessageId);
    if (!entry || entry.failed === null) return;
    for (const p of entry.pending) p.cancel();
    this.remove(entry);
  }

  /** Drops entries the server turns out to hold already (seen in history or a catch-up). */
  delivered(clientMessageIds: ReadonlySet<string>): void {
    const found = this.entries.filter((e) => clientMessageIds.has(e.clientMessageId));
    for (const entry of found) this.entries.splice(this.entries.indexOf(entry), 1);
    if (found.length > 0) this.publish();
  }

  /** The room is over for this browser: unsent messages are moot. */
  drop(): void {
    for (const entry of this.entries) for (const p of entry.pending) p.cancel();
    this.entries.length = 0;
    this.publish();
  }

  destroy(): void {
    this.destroyed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  /** Sends what is ready, one message at a time. Called on every join, whenever an entry becomes ready, and when a newer key arrives. */
  async flush(): Promise<void> {
    if (this.flushing || this.destroyed) return;
    this.flushing = true;
    try {
      for (;;) {
        const me = this.options.membership();
        const entry = this.entries.find((e) => e.failed === null && e.attachments !== null);
        if (!me || !entry || !(await this.deliver(entry, me))) return;
      }
    } finally {
      this.flushing = false;
    }
  }

  /** A message whose attachments are uploaded goes to delivery; otherwise its uploads finish first. */
  private start(entry: Entry): void {
    if (entry.attachments) void this.flush();
    else void this.prepare(entry);
  }

  private async prepare(entry: Entry): Promise<void> {
    try {
      const results = await Promise.all(entry.pending.map((p) => p.upload()));
      if (!this.entries.includes(entry)) return;
      entry.attachments = results.filter((a): a is Attachment => a !== null);
      if (!entry.text.trim() && entry.attachments.length === 0) {
        this.remove(entry); // every attachment was cancelled and there is no text
        return;
      }
    } catch (error) {
      if (!this.entries.includes(entry)) return;
      entry.failed = `Upload failed: ${messageOf(error)}`;
    }
    this.changed(entry);
    void this.flush();
  }

  /** Returns whether the loop may go on now (false: a retry is scheduled). */
  private async deliver(entry: Entry, me: Membership): Promise<boolean> {
    const { keyEpoch } = this.options;
    if (entry.staleEpoch !== null && keyEpoch() <= entry.staleEpoch) return false; // the queue waits for the new key
    try {
      if (!entry.numbered) {
        entry.clientMessageId = this.lastId = this.options.nextId();
        entry.numbered = true;
        entry.envelope = null;
        this.changed(entry);
        await this.options.numbered?.();
      }
      if (!entry.envelope || entry.sealedFor !== me.memberId || entry.envelope.epoch !== keyEpoch()) {
        entry.envelope = await this.options.seal(bodyOf(entry), me.memberId, entry.clientMessageId);
        entry.sealedFor = me.memberId;
        entry.staleEpoch = null;
      }
      const ack = await this.withTimeout(this.options.sendChat(entry.clientMessageId, entry.envelope));
      this.confirm(entry, ack, me.memberId);
      return true;
    } catch (error) {
      if (!this.entries.includes(entry)) return true; // a catch-up showed it stored meanwhile
      // The connection went: not the message's fault. The loop goes on only if a new join is already up.
      if (me !== this.options.membership()) return true;
      const code = refusalCodeOf(error);
      // Not the message's fault: the room moved to a new key. The plaintext is kept, so it is sealed again.
      if (code === 'epoch-stale' && entry.envelope) {
        entry.staleEpoch = entry.envelope.epoch;
        entry.envelope = null;
        return keyEpoch() > entry.staleEpoch; // already here: go on at once; otherwise flush() runs when it comes
      }
      this.options.report(messageOf(error));
      if (PERMANENT.has(code) || ++entry.attempts >= (this.options.maxAttempts ?? 3)) {
        entry.failed = failureText(error);
        this.changed(entry);
        return true;
      }
      const delay = (this.options.retryMs ?? 2000) * 2 ** (entry.attempts - 1);
      this.retryTimer = setTimeout(() => void this.flush(), delay);
      return false;
    }
  }

  private confirm(entry: Entry, ack: ChatAck, sender: string): void {
    if (!this.entries.includes(entry)) return;
    this.entries.splice(this.entries.indexOf(entry), 1);
    this.options.confirmed({ seq: ack.seq, sender, clientMessageId: entry.clientMessageId, sentAt: ack.sentAt, body: bodyOf(entry) });
    this.publish();
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    const ms = this.options.sendTimeoutMs ?? 15_000;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new SendTimeout(`Timed out after ${ms} ms`)), ms);
      work.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  }

  private remove(entry: Entry): void {
    const index = this.entries.indexOf(entry);
    if (index >= 0) this.entries.splice(index, 1);
    this.publish();
  }

  private changed(entry: Entry): void {
    this.itemize(entry);
    this.publish();
  }

  private itemize(entry: Entry): void {
    const sender = entry.sealedFor ?? this.options.self() ?? '';
    entry.item = {
      key: itemKey(sender, entry.clientMessageId),
      seq: null,
      sender,
      clientMessageId: entry.clientMessageId,
      sentAt: entry.createdAt,
      mine: true,
      status: entry.failed === null ? 'sending' : 'failed',
      failure: entry.failed,
      body: bodyOf(entry),
      uploads: entry.attachments ? [] : entry.pending,
    };
  }

  private publish(): void {
    this.options.changed(this.entries.map((e) => e.item!));
  }
}
