import { describe, expect, it } from 'vitest';
import { readChatAck, readChatPage, readStoredChat } from './protocol';

const envelope = { epoch: 0, iv: new Uint8Array(12), ciphertext: new Uint8Array(17) };

describe('chat protocol readers', () => {
  it('reads stored messages, with int64 values that arrive as bigint', () => {
    const raw = { seq: 7n, sender: 'm1', clientMessageId: 'c1', sentAt: 1_700_000_000_123n, envelope };
    expect(readStoredChat(raw)).toEqual({ seq: 7, sender: 'm1', clientMessageId: 'c1', sentAt: 1_700_000_000_123, envelope });
    expect(readChatAck({ seq: 3, sentAt: 5 })).toEqual({ seq: 3, sentAt: 5 });
    expect(readChatPage({ messages: [raw], more: true })).toMatchObject({ more: true, messages: [{ seq: 7 }] });
  });

  it('refuses shapes the protocol does not allow', () => {
    expect(() => readStoredChat({ seq: -1, sender: 'm', clientMessageId: 'c', sentAt: 0, envelope })).toThrow(/seq/);
    expect(() => readStoredChat({ seq: 1, sender: 'm', sentAt: 0, envelope })).toThrow(/clientMessageId/);
    expect(() => readStoredChat({ seq: 1, sender: 'm', clientMessageId: 'c', sentAt: 0, envelope: { epoch: 0 } })).toThrow(/iv/);
    expect(() => readChatPage({ messages: null })).toThrow(/messages/);
    expect(() => readChatAck([])).toThrow(/map/);
  });
});
