// The outbox as it is kept between visits (see sync/keptRecord.ts): this browser's own messages,
// sealed in the profile's vault, so only this browser wrote them. They are still checked on the
// way back in: a record from an older version of the page must not pass for a message.
import { readAttachment, type Attachment } from '../files/attachment';
import type { Author, BodyExtras } from './messageBody';

export interface KeptMessage {
  /** A stream id once numbered: a resend under it is stored once, however often an earlier try landed. */
  clientMessageId: string;
  numbered: boolean;
  author: Author;
  text: string;
  extras: BodyExtras;
  createdAt: number;
  /** Uploaded attachments; null while some were still uploading. */
  attachments: Attachment[] | null;
  /** Names of the files whose upload the closed page cut short (only while `attachments` is null). */
  interrupted: string[];
  failed: string | null;
}

export interface KeptOutbox {
  /** The id the outbox last took from its stream, so a retry knows whether later messages went out since. */
  lastId: string | null;
  messages: KeptMessage[];
}

const VERSION = 1;
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

export function encodeKeptOutbox(outbox: KeptOutbox): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ v: VERSION, ...outbox }));
}

function readMessage(value: unknown): KeptMessage | null {
  if (!isMap(value)) return null;
  const { clientMessageId, numbered, author, text, extras, createdAt, attachments, interrupted, failed } = value;
  if (typeof clientMessageId !== 'string' || typeof numbered !== 'boolean' || typeof text !== 'string' || typeof createdAt !== 'number') return null;
  if (!isMap(author) || typeof author.name !== 'string' || typeof author.color !== 'string' || !isMap(extras)) return null;
  if (!(attachments === null || Array.isArray(attachments)) || !isStrings(interrupted) || !(failed === null || typeof failed === 'string')) return null;
  try {
    return {
      clientMessageId,
      numbered,
      author: { name: author.name, color: author.color },
      text,
      extras: extras as BodyExtras,
      createdAt,
      attachments: attachments?.map(readAttachment) ?? null,
      interrupted,
      failed,
    };
  } catch {
    return null;
  }
}

/** What an earlier visit left; messages of another shape are dropped, not guessed at. */
export function decodeKeptOutbox(bytes: Uint8Array): KeptOutbox {
  const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (!isMap(value) || value.v !== VERSION || !Array.isArray(value.messages)) return { lastId: null, messages: [] };
  const messages = value.messages.map(readMessage).filter((m): m is KeptMessage => m !== null);
  return { lastId: typeof value.lastId === 'string' ? value.lastId : null, messages };
}
