import { fromBase64Url, toBase64Url } from '../crypto';

export interface MemberCredentials {
  memberId: string;
  memberToken: Uint8Array;
}

/** Who this browser is in the room while a join holds (RoomSync.membership). */
export interface Membership extends MemberCredentials {
  /** Counts successful joins: each rejoin gives a new object, so watchers catch up again. */
  joinCount: number;
}

/**
 * What a browser keeps per room: its member id and token, so a reload resumes the same member,
 * and the creator token from `POST /api/rooms`, which makes its first member the room's creator.
 * Both live in one entry so that leaving a room for good (kicked, ended) drops them together.
 */
export interface MemberStore {
  load(roomId: string): MemberCredentials | null;
  save(roomId: string, credentials: MemberCredentials): void;
  loadCreatorToken(roomId: string): Uint8Array | null;
  saveCreatorToken(roomId: string, token: Uint8Array): void;
  /** The room's current link secret, kept once this browser got in: the Files page opens with it after a reload. */
  loadLinkSecret(roomId: string): Uint8Array | null;
  saveLinkSecret(roomId: string, secret: Uint8Array): void;
  /** Drops everything kept for the room. */
  forget(roomId: string): void;
}

const keyFor = (roomId: string) => `parley.member.${roomId}`;

interface StoredEntry {
  memberId?: string;
  memberToken?: string;
  creatorToken?: string;
  linkSecret?: string;
}

function readEntry(roomId: string): StoredEntry {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(keyFor(roomId)) ?? 'null');
    if (typeof parsed !== 'object' || parsed === null) return {};
    const entry: StoredEntry = {};
    for (const field of ['memberId', 'memberToken', 'creatorToken', 'linkSecret'] as const) {
      const value = (parsed as Record<string, unknown>)[field];
      if (typeof value === 'string') entry[field] = value;
    }
    return entry;
  } catch {
    return {}; // unreadable entry: join as a new member rather than not at all
  }
}

function writeEntry(roomId: string, entry: StoredEntry): void {
  try {
    localStorage.setItem(keyFor(roomId), JSON.stringify(entry));
  } catch {
    // Storage full or blocked (private mode): the session still works, a reload just rejoins as new.
  }
}

function decoded(value: string | undefined): Uint8Array | null {
  try {
    return value === undefined ? null : fromBase64Url(value);
  } catch {
    return null;
  }
}

export const localStorageMemberStore: MemberStore = {
  load(roomId) {
    const { memberId, memberToken } = readEntry(roomId);
    const token = decoded(memberToken);
    return memberId !== undefined && token ? { memberId, memberToken: token } : null;
  },
  save(roomId, { memberId, memberToken }) {
    writeEntry(roomId, { ...readEntry(roomId), memberId, memberToken: toBase64Url(memberToken) });
  },
  loadCreatorToken(roomId) {
    return decoded(readEntry(roomId).creatorToken);
  },
  saveCreatorToken(roomId, token) {
    writeEntry(roomId, { ...readEntry(roomId), creatorToken: toBase64Url(token) });
  },
  loadLinkSecret(roomId) {
    return decoded(readEntry(roomId).linkSecret);
  },
  saveLinkSecret(roomId, secret) {
    const linkSecret = toBase64Url(secret);
    const entry = readEntry(roomId);
    if (entry.linkSecret !== linkSecret) writeEntry(roomId, { ...entry, linkSecret });
  },
  forget(roomId) {
    try {
      localStorage.removeItem(keyFor(roomId));
    } catch {
      // storage blocked: then nothing was kept either
    }
  },
};

export function memoryMemberStore(): MemberStore {
  const entries = new Map<string, MemberCredentials>();
  const creatorTokens = new Map<string, Uint8Array>();
  const linkSecrets = new Map<string, Uint8Array>();
  return {
    load: (roomId) => entries.get(roomId) ?? null,
    save: (roomId, c) => void entries.set(roomId, c),
    loadCreatorToken: (roomId) => creatorTokens.get(roomId) ?? null,
    saveCreatorToken: (roomId, token) => void creatorTokens.set(roomId, token),
    loadLinkSecret: (roomId) => linkSecrets.get(roomId) ?? null,
    saveLinkSecret: (roomId, secret) => void linkSecrets.set(roomId, secret),
    forget: (roomId) => void (entries.delete(roomId), creatorTokens.delete(roomId), linkSecrets.delete(roomId)),
  };
}

/** localStorage in a browser; memory where there is none (tests, workers). */
export const defaultMemberStore = (): MemberStore =>
  typeof localStorage === 'undefined' ? memoryMemberStore() : localStorageMemberStore;
