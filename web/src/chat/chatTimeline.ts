import type { PendingAttachment } from '../files/attachment';
import { Value } from '../state/value';
import type { Author, MessageBody } from './messageBody';

export type MessageStatus = 'sending' | 'sent' | 'failed';

/** One message as the UI shows it. Objects are replaced, never changed, so React can compare them. */
export interface ChatItem {
  /** Stable from "sending" to "sent": `{sender}/{clientMessageId}`. */
  key: string;
  /** Null until the server has stored it. */
  seq: number | null;
  sender: string;
  clientMessageId: string;
  /** Server time (Unix ms) once sent; the local time of writing while sending. */
  sentAt: number;
  mine: boolean;
  status: MessageStatus;
  /** Why it failed, in words for the person. */
  failure: string | null;
  /** Null when it could not be decrypted or read, or was refused as out of order. */
  body: MessageBody | null;
  /** Decrypted, but refused: its counter runs backwards among its sender's messages (the server reordered them). */
  outOfOrder?: boolean;
  /** How many of this sender's messages just before this one no stored message carries (the server may have dropped them). */
  missingBefore?: number;
  /** Own attachments still uploading. */
  uploads: readonly PendingAttachment[];
  /** Set by the edits, deletes and reactions that refer to this message (see messageActions). */
  edited?: boolean;
  deleted?: boolean;
  reactions?: readonly ReactionCount[];
  /** What a reply quotes of the message it answers. */
  quote?: Quote;
}

export interface ReactionCount {
  emoji: string;
  count: number;
  /** Whether this browser's member is among them. */
  mine: boolean;
}

export interface Quote {
  /** The quoted message's item key, to find it in the list. */
  key: string;
  sender: string;
  /** `loaded`: here, with its author and first line; `missing`: not loaded (or never sent); `deleted`: its sender deleted it. */
  state: 'loaded' | 'missing' | 'deleted';
  author?: Author;
  firstLine?: string;
}

export interface StoredMessage {
  seq: number;
  sender: string;
  clientMessageId: string;
  sentAt: number;
  body: MessageBody | null;
  /** Sealed under a key this browser does not hold: kept for ordering and paging, never shown. */
  hidden?: boolean;
  outOfOrder?: boolean;
}

export const itemKey = (sender: string, clientMessageId: string) => `${sender}/${clientMessageId}`;

/**
 * The ordered list the UI renders: stored messages by seq (deduplicated by seq and by sender +
 * client message id), then this browser's unsent ones in the order they were written. Edits,
 * deletes and reactions are items here too (they take part in ordering and gap checks like any
 * message); `present` folds them into the messages they refer to.
 */
export class ChatTimeline {
  /** `present` turns the stored and unsent items into what the UI shows (edits and reactions folded in). */
  constructor(private readonly present: (items: readonly ChatItem[]) => readonly ChatItem[] = (items) => items) {}

  readonly items = new Value<readonly ChatItem[]>([]);
  readonly authors = new Value<ReadonlyMap<string, Author>>(new Map());
  private readonly stored: ChatItem[] = [];
  private readonly seqs = new Set<number>();
  private readonly hidden = new Set<number>();
  /** Seq by item key. */
  private readonly keys = new Map<string, number>();
  private readonly authorSeqs = new Map<string, number>();
  private pending: readonly ChatItem[] = [];

  get oldestSeq(): number {
    return this.stored[0]?.seq ?? 0;
  }

  /** The seq a message of this sender and id is stored at here, if any. */
  seqOf(sender: string, clientMessageId: string): number | undefined {
    return this.keys.get(itemKey(sender, clientMessageId));
  }

  /** Whether every seq from `fromSeq` to `toSeq` (both held) is here. */
  complete(fromSeq: number, toSeq: number): boolean {
    return this.insertionPoint(toSeq) - this.insertionPoint(fromSeq) === toSeq - fromSeq;
  }

  /** Marks the messages that follow a gap in their sender's counters (the rest lose any mark). */
  setGaps(missingBefore: ReadonlyMap<number, number>): void {
    let changed = false;
    for (let i = 0; i < this.stored.length; i++) {
      const item = this.stored[i];
      const missing = missingBefore.get(item.seq!);
      if (item.missingBefore === missing) continue;
      this.stored[i] = { ...item, missingBefore: missing };
      changed = true;
    }
    if (changed) this.publish();
  }

  has(message: { seq: number; sender: string; clientMessageId: string }): boolean {
    return this.seqs.has(message.seq) || this.keys.has(itemKey(message.sender, message.clientMessageId));
  }

  /** Whether a stored message lies beyond `seq`, i.e. after a gap if `seq` is the contiguous end. */
  hasAbove(seq: number): boolean {
    return (this.stored[this.stored.length - 1]?.seq ?? 0) > seq;
  }

  /** Adds stored messages (already present ones are skipped) and publishes once. */
  add(messages: readonly StoredMessage[], self: string | null): void {
    let added = false;
    for (const message of messages) {
      if (this.has(message)) continue;
      const key = itemKey(message.sender, message.clientMessageId);
      const mine = message.sender === self;
      const { hidden, ...item } = message;
      this.stored.splice(this.insertionPoint(message.seq), 0, { ...item, key, mine, status: 'sent', failure: null, uploads: [] });
      this.seqs.add(message.seq);
      if (hidden) this.hidden.add(message.seq);
      this.keys.set(key, message.seq);
      this.noteAuthor(message);
      added = true;
    }
    if (added) this.publish();
  }

  setPending(items: readonly ChatItem[]): void {
    this.pending = items;
    this.publish();
  }

  private noteAuthor(message: StoredMessage): void {
    const author = message.body?.author;
    if (!author || (this.authorSeqs.get(message.sender) ?? 0) > message.seq) return;
    this.authorSeqs.set(message.sender, message.seq);
    const known = this.authors.get().get(message.sender);
    if (known?.name !== author.name || known.color !== author.color) {
      this.authors.set(new Map(this.authors.get()).set(message.sender, author));
    }
  }

  private insertionPoint(seq: number): number {
    let lo = 0;
    let hi = this.stored.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.stored[mid].seq! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private publish(): void {
    this.items.set(this.present([...this.stored.filter((item) => !this.hidden.has(item.seq!)), ...this.pending]));
  }
}
