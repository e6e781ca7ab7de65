// The plaintext inside a `chat` envelope (docs/protocol.md, "Chat"): UTF-8 JSON. It comes from
// other members, so every field is checked before the UI sees it; a message that does not parse
// is shown as unreadable rather than trusted in part.
import { readAttachment, type Attachment } from '../files/attachment';

export interface Author {
  name: string;
  color: string;
}

export interface MessageBody {
  author: Author;
  text: string;
  attachments: Attachment[];
}

const MAX_NAME = 64;
const FALLBACK_COLOR = '#9aa3b5';

type Raw = Record<string, unknown>;
const isMap = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

export function encodeMessageBody(body: MessageBody): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ v: 1, ...body }));
}

export function decodeMessageBody(bytes: Uint8Array): MessageBody {
  const raw: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  if (!isMap(raw) || raw.v !== 1) throw new Error('Unknown chat message version');
  if (typeof raw.text !== 'string') throw new Error('Chat message without text');
  const attachments = raw.attachments ?? [];
  if (!Array.isArray(attachments)) throw new Error('Chat message with malformed attachments');
  return { author: readAuthor(raw.author), text: raw.text, attachments: attachments.map(readAttachment) };
}

function readAuthor(value: unknown): Author {
  if (!isMap(value) || typeof value.name !== 'string' || !value.name.trim()) throw new Error('Chat message without author');
  const color = typeof value.color === 'string' && /^#[0-9a-f]{6}$/i.test(value.color) ? value.color : FALLBACK_COLOR;
  return { name: [...value.name.trim()].slice(0, MAX_NAME).join(''), color };
}
