// The plaintext inside a `chat` envelope (docs/protocol.md, "Chat"): UTF-8 JSON. It comes from
// other members, so every field is checked before the UI sees it; a message that does not parse
// is shown as unreadable rather than trusted in part.
import { readAttachment, type Attachment } from '../files/attachment';
import { parseMessageId } from './senderOrder';

export interface Author {
  name: string;
  color: string;
}

/** A message by its sender's member id and its client message id: the pair is unique in a room. */
export interface MessageRef {
  sender: string;
  id: string;
}

/** The emoji anyone can react with; a reaction with another is unreadable, like any malformed body. */
export const REACTIONS = ['👍', '❤️', '😂', '🎉', '👀', '🙏'] as const;

/**
 * A body that changes an earlier message instead of being one. Edits and deletes name only a
 * client message id: the message they change is always their own sender's (the sender is bound
 * into the envelope), so no one can even name someone else's message to change it.
 */
export type MessageAction =
  | { type: 'edit'; id: string }
  | { type: 'delete'; id: string }
  | { type: 'react'; to: MessageRef; emoji: string; on: boolean };

export interface MessageBody {
  author: Author;
  /** For an edit: the new text. Empty for a delete or a reaction. */
  text: string;
  attachments: Attachment[];
  replyTo?: MessageRef;
  /** Set only on bodies that act on another message: these are never shown as messages. */
  action?: MessageAction;
}

/** What a body carries besides author, text and attachments: a reply's reference, or an action. */
export type BodyExtras = Pick<MessageBody, 'replyTo' | 'action'>;

const MAX_NAME = 64;
const FALLBACK_COLOR = '#9aa3b5';
const MEMBER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const ACTION_FIELDS = ['edit', 'delete', 'react'] as const;

type Raw = Record<string, unknown>;
const isMap = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Bodies are padded with spaces (still valid JSON) to a multiple of this, so that the envelope's
 * size does not tell the server a reaction or delete (always small) from a short message.
 */
export const BODY_BLOCK = 256;

export function encodeMessageBody(body: MessageBody): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(wireShape(body)));
  const padded = new Uint8Array(Math.ceil(json.length / BODY_BLOCK) * BODY_BLOCK).fill(0x20);
  padded.set(json);
  return padded;
}

function wireShape({ author, text, attachments, replyTo, action }: MessageBody): Raw {
  switch (action?.type) {
    case undefined:
      return replyTo ? { v: 1, author, text, attachments, replyTo } : { v: 1, author, text, attachments };
    case 'edit':
      return { v: 1, author, edit: { id: action.id }, text };
    case 'delete':
      return { v: 1, author, delete: { id: action.id } };
    case 'react':
      return { v: 1, author, react: { sender: action.to.sender, id: action.to.id, emoji: action.emoji, on: action.on } };
  }
}

export function decodeMessageBody(bytes: Uint8Array): MessageBody {
  const raw: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  if (!isMap(raw) || raw.v !== 1) throw new Error('Unknown chat message version');
  const author = readAuthor(raw.author);
  const actions = ACTION_FIELDS.filter((field) => field in raw);
  if (actions.length > 1) throw new Error('Chat message with more than one action');
  if (actions.length === 1) return readAction(raw, author, actions[0]);
  if (typeof raw.text !== 'string') throw new Error('Chat message without text');
  const attachments = raw.attachments ?? [];
  if (!Array.isArray(attachments)) throw new Error('Chat message with malformed attachments');
  const body: MessageBody = { author, text: raw.text, attachments: attachments.map(readAttachment) };
  if (raw.replyTo !== undefined) body.replyTo = readRef(raw.replyTo, 'reply');
  return body;
}

/** An action carries nothing a message has besides its author (and an edit's text): anything else is malformed. */
function readAction(raw: Raw, author: Author, field: (typeof ACTION_FIELDS)[number]): MessageBody {
  if ('attachments' in raw || 'replyTo' in raw) throw new Error(`Chat ${field} with message fields`);
  const value = raw[field];
  if (!isMap(value)) throw new Error(`Chat ${field} without a target`);
  if (field === 'react') {
    const to = readRef(value, 'reaction');
    if (typeof value.emoji !== 'string' || !(REACTIONS as readonly string[]).includes(value.emoji)) throw new Error('Chat reaction with an unknown emoji');
    if (typeof value.on !== 'boolean') throw new Error('Chat reaction without on');
    if ('text' in raw) throw new Error('Chat reaction with text');
    return { author, text: '', attachments: [], action: { type: 'react', to, emoji: value.emoji, on: value.on } };
  }
  const id = readId(value.id, field);
  if (field === 'delete') {
    if ('text' in raw) throw new Error('Chat delete with text');
    return { author, text: '', attachments: [], action: { type: 'delete', id } };
  }
  if (typeof raw.text !== 'string') throw new Error('Chat edit without text');
  return { author, text: raw.text, attachments: [], action: { type: 'edit', id } };
}

function readRef(value: unknown, what: string): MessageRef {
  if (!isMap(value) || typeof value.sender !== 'string' || !MEMBER_ID.test(value.sender)) throw new Error(`Chat ${what} with a malformed sender`);
  return { sender: value.sender, id: readId(value.id, what) };
}

function readId(value: unknown, what: string): string {
  if (typeof value !== 'string' || !parseMessageId(value)) throw new Error(`Chat ${what} with a malformed message id`);
  return value;
}

function readAuthor(value: unknown): Author {
  if (!isMap(value) || typeof value.name !== 'string' || !value.name.trim()) throw new Error('Chat message without author');
  const color = typeof value.color === 'string' && /^#[0-9a-f]{6}$/i.test(value.color) ? value.color : FALLBACK_COLOR;
  return { name: [...value.name.trim()].slice(0, MAX_NAME).join(''), color };
}
