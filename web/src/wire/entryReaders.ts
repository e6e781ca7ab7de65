// Readers for the room's file manager (docs/protocol.md, "File manager"): the server sees ids,
// sizes, times and who did what; names, folders, types and file keys are in each entry's
// `file-meta` envelope.
import { int, list, map, optionalStr, str } from './fields';
import { readEnvelope } from './readers';
import type { ActivityEvent, ActivityPage, Entry, EntryPage } from './records';

export function readEntry(value: unknown): Entry {
  const what = 'Entry';
  const m = map(value, what);
  return {
    entryId: str(m.entryId, what, 'entryId'),
    fileId: optionalStr(m.fileId, what, 'fileId'),
    version: int(m.version, what, 'version'),
    size: int(m.size, what, 'size'),
    uploader: str(m.uploader, what, 'uploader'),
    updatedBy: str(m.updatedBy, what, 'updatedBy'),
    createdAt: int(m.createdAt, what, 'createdAt'),
    updatedAt: int(m.updatedAt, what, 'updatedAt'),
    meta: readEnvelope(m.meta),
  };
}

export const readEntries = (value: unknown): Entry[] => list(value, 'entry list', 'entries').map(readEntry);

export function readEntryPage(value: unknown): EntryPage {
  const m = map(value, 'EntryPage');
  return { entries: list(m.entries, 'EntryPage', 'entries').map(readEntry), more: m.more === true };
}

export function readActivityEvent(value: unknown): ActivityEvent {
  const what = 'ActivityEvent';
  const m = map(value, what);
  return {
    seq: int(m.seq, what, 'seq'),
    at: int(m.at, what, 'at'),
    memberId: str(m.memberId, what, 'memberId'),
    action: str(m.action, what, 'action'),
    entryId: optionalStr(m.entryId, what, 'entryId'),
    fileId: optionalStr(m.fileId, what, 'fileId'),
  };
}

export function readActivityPage(value: unknown): ActivityPage {
  const m = map(value, 'ActivityPage');
  return { events: list(m.events, 'ActivityPage', 'events').map(readActivityEvent), more: m.more === true };
}

/** A count the hub returns (int, which MessagePack may hand over as bigint). */
export const readCount = (value: unknown): number => int(value, 'count', 'value');
