import { describe, expect, it } from 'vitest';
import { BODY_BLOCK, decodeMessageBody, encodeMessageBody, type MessageBody } from './messageBody';

const author = { name: 'Ann', color: '#34d399' };
const ID = 'AAAAAAAAAAAAAAAAAAAAAA.7';
const SENDER = 'Qx7pL2mN9vR4tY8wZ1aB3c';
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const wire = (body: MessageBody) => JSON.parse(new TextDecoder().decode(encodeMessageBody(body)));

describe('reply, edit, delete and reaction bodies', () => {
  it('round-trip, each in its own shape on the wire', () => {
    const bodies: [MessageBody, unknown][] = [
      [
        { author, text: 'yes', attachments: [], replyTo: { sender: SENDER, id: ID } },
        { v: 1, author, text: 'yes', attachments: [], replyTo: { sender: SENDER, id: ID } },
      ],
      [{ author, text: 'fixed', attachments: [], action: { type: 'edit', id: ID } }, { v: 1, author, edit: { id: ID }, text: 'fixed' }],
      [{ author, text: '', attachments: [], action: { type: 'delete', id: ID } }, { v: 1, author, delete: { id: ID } }],
      [
        { author, text: '', attachments: [], action: { type: 'react', to: { sender: SENDER, id: ID }, emoji: '👍', on: true } },
        { v: 1, author, react: { sender: SENDER, id: ID, emoji: '👍', on: true } },
      ],
    ];
    for (const [body, shape] of bodies) {
      expect(wire(body)).toEqual(shape);
      expect(decodeMessageBody(encodeMessageBody(body))).toEqual(body);
    }
  });

  it('are padded to whole blocks, so a reaction is the size of a short message', () => {
    const react: MessageBody = { author, text: '', attachments: [], action: { type: 'react', to: { sender: SENDER, id: ID }, emoji: '👍', on: true } };
    const short: MessageBody = { author, text: 'ok', attachments: [] };
    expect(encodeMessageBody(react).length).toBe(BODY_BLOCK);
    expect(encodeMessageBody(short).length).toBe(BODY_BLOCK);
    expect(encodeMessageBody({ ...short, text: 'x'.repeat(BODY_BLOCK) }).length).toBe(2 * BODY_BLOCK);
  });

  it('still reads a plain message of before, which has none of the new fields', () => {
    const body = decodeMessageBody(json({ v: 1, author, text: 'old' }));
    expect(body).toEqual({ author, text: 'old', attachments: [] });
  });

  it('refuse malformed references, so the message shows as unreadable', () => {
    const bad = [
      { v: 1, author, text: 'x', replyTo: { sender: SENDER } },
      { v: 1, author, text: 'x', replyTo: { sender: 'no spaces allowed', id: ID } },
      { v: 1, author, text: 'x', replyTo: 'AAAA.1' },
      { v: 1, author, edit: { id: 'local-abc' }, text: 'x' },
      { v: 1, author, edit: { id: 7 }, text: 'x' },
      { v: 1, author, edit: ID, text: 'x' },
      { v: 1, author, delete: {} },
      { v: 1, author, react: { id: ID, emoji: '👍', on: true } },
    ];
    for (const raw of bad) expect(() => decodeMessageBody(json(raw)), JSON.stringify(raw)).toThrow(/malformed|target/);
  });

  it('refuse actions that also carry message fields, or two actions at once', () => {
    const react = { sender: SENDER, id: ID, emoji: '👍', on: true };
    expect(() => decodeMessageBody(json({ v: 1, author, edit: { id: ID } }))).toThrow(/without text/);
    expect(() => decodeMessageBody(json({ v: 1, author, edit: { id: ID }, text: 'x', attachments: [] }))).toThrow(/message fields/);
    expect(() => decodeMessageBody(json({ v: 1, author, delete: { id: ID }, text: 'gone' }))).toThrow(/with text/);
    expect(() => decodeMessageBody(json({ v: 1, author, delete: { id: ID }, edit: { id: ID }, text: 'x' }))).toThrow(/more than one/);
    expect(() => decodeMessageBody(json({ v: 1, author, react, replyTo: { sender: SENDER, id: ID } }))).toThrow(/message fields/);
    expect(() => decodeMessageBody(json({ v: 1, author, react: { ...react, emoji: '💩' } }))).toThrow(/emoji/);
    expect(() => decodeMessageBody(json({ v: 1, author, react: { ...react, on: 'yes' } }))).toThrow(/on/);
    expect(() => decodeMessageBody(json({ v: 1, delete: { id: ID } }))).toThrow(/author/);
  });
});
