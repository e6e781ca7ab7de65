import { describe, expect, it } from 'vitest';
import { readActivityPage, readCount, readEntries, readEntry, readEntryPage } from '../../wire/protocol';

const meta = { epoch: 1, iv: new Uint8Array(12), ciphertext: new Uint8Array(40) };
const raw = { entryId: 'e1', fileId: 'f1', version: 2, size: 3_000_000_000n, uploader: 'm1', updatedBy: 'm2', createdAt: 1_700_000_000_000n, updatedAt: 1_700_000_001_000, meta };

describe('file manager protocol readers', () => {
  it('read entries, with int64 values that arrive as bigint and folders without a file', () => {
    expect(readEntry(raw)).toEqual({ ...raw, size: 3_000_000_000, createdAt: 1_700_000_000_000 });
    expect(readEntry({ ...raw, fileId: null }).fileId).toBeNull();
    expect(readEntryPage({ entries: [raw], more: true })).toMatchObject({ more: true, entries: [{ entryId: 'e1' }] });
    expect(readEntries([raw, raw])).toHaveLength(2);
    expect(readCount(3n)).toBe(3);
  });

  it('read activity pages, ids optional', () => {
    const event = { seq: 9n, at: 5, memberId: 'm1', action: 'joined', entryId: null, fileId: null };
    expect(readActivityPage({ events: [event], more: false })).toEqual({ events: [{ ...event, seq: 9 }], more: false });
  });

  it('refuse shapes the protocol does not allow', () => {
    expect(() => readEntry({ ...raw, version: -1 })).toThrow(/version/);
    expect(() => readEntry({ ...raw, meta: { epoch: 0 } })).toThrow(/iv/);
    expect(() => readEntry({ ...raw, updatedBy: 4 })).toThrow(/updatedBy/);
    expect(() => readEntryPage({ entries: null })).toThrow(/entries/);
    expect(() => readActivityPage({ events: [{ seq: 1, at: 0, memberId: 'm', action: 7 }] })).toThrow(/action/);
  });
});
