// Chat message ids and the order each sender's messages must keep (docs/protocol.md, "Chat").
// A message id is `{stream}.{counter}`: a random stream per page load and room, and a counter
// that counts that stream's messages from 1. The id is bound into the envelope's associated data,
// so the server cannot change it; what it could still do is replay, reorder or drop whole
// envelopes, and the counters show each of those.
import { toBase64Url } from '../crypto';

export interface MessageId {
  stream: string;
  counter: number;
}

const ID = /^([A-Za-z0-9_-]{22})\.([1-9][0-9]{0,14})$/;

export function parseMessageId(id: string): MessageId | null {
  const match = ID.exec(id);
  return match ? { stream: match[1], counter: Number(match[2]) } : null;
}

/**
 * This browser's ids for one room. A reload starts a new stream rather than a counter kept in
 * storage: nothing has to survive, and receivers check order within a stream only.
 */
export class MessageIds {
  private readonly stream = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  private counter = 0;

  next(): string {
    return `${this.stream}.${++this.counter}`;
  }
}

export type OrderVerdict = 'in-order' | 'malformed-id' | 'replayed' | 'reordered';

interface Seen {
  seq: number;
  counter: number;
}

/** A run of one sender's counters that no stored message carries: the server may have dropped them. */
export interface MessageGap {
  sender: string;
  /** The seq of the message after the gap. */
  beforeSeq: number;
  missing: number;
}

/**
 * The counters seen per (sender, stream), by seq. Messages arrive in any order (history pages
 * come newest first), so each is checked against its neighbours by seq, not by arrival. Only
 * messages whose associated data verified may be offered: an unverified id proves nothing.
 */
export class SenderOrder {
  private readonly streams = new Map<string, Seen[]>();

  /** Records the message if its counter fits between its stream's neighbours by seq. */
  check(seq: number, sender: string, messageId: string): OrderVerdict {
    const id = parseMessageId(messageId);
    if (!id) return 'malformed-id';
    const key = `${sender}|${id.stream}`;
    const seen = this.streams.get(key) ?? [];
    const same = seen.find((s) => s.seq === seq);
    if (same) return same.counter === id.counter ? 'in-order' : 'reordered'; // read again: nothing new
    if (seen.some((s) => s.counter === id.counter)) return 'replayed';
    const at = seen.findIndex((s) => s.seq > seq);
    const before = at < 0 ? seen[seen.length - 1] : seen[at - 1];
    const after = at < 0 ? undefined : seen[at];
    if ((before && before.counter > id.counter) || (after && after.counter < id.counter)) return 'reordered';
    seen.splice(at < 0 ? seen.length : at, 0, { seq, counter: id.counter });
    this.streams.set(key, seen);
    return 'in-order';
  }

  /**
   * Counters skipped between two messages of one stream when every seq between them is here
   * (`complete(a, b)`): had the message been stored, it would be among them.
   */
  gaps(complete: (fromSeq: number, toSeq: number) => boolean): MessageGap[] {
    const out: MessageGap[] = [];
    for (const [key, seen] of this.streams) {
      const sender = key.slice(0, key.lastIndexOf('|'));
      for (let i = 1; i < seen.length; i++) {
        const missing = seen[i].counter - seen[i - 1].counter - 1;
        if (missing > 0 && complete(seen[i - 1].seq, seen[i].seq)) out.push({ sender, beforeSeq: seen[i].seq, missing });
      }
    }
    return out;
  }
}
