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

/** Where a browser keeps its member id and token per room, so a reload resumes the same member. */
export interface MemberStore {
  load(roomId: string): MemberCredentials | null;
  save(roomId: string, credentials: MemberCredentials): void;
}

const keyFor = (roomId: string) => `parley.member.${roomId}`;

export const localStorageMemberStore: MemberStore = {
  load(roomId) {
    try {
      const raw = localStorage.getItem(keyFor(roomId));
      if (!raw) return null;
      const parsed = JSON.parse(raw) as { memberId?: unknown; memberToken?: unknown };
      if (typeof parsed.memberId !== 'string' || typeof parsed.memberToken !== 'string') return null;
      return { memberId: parsed.memberId, memberToken: fromBase64Url(parsed.memberToken) };
    } catch {
      return null; // unreadable entry: join as a new member rather than not at all
    }
  },
  save(roomId, { memberId, memberToken }) {
    try {
      localStorage.setItem(keyFor(roomId), JSON.stringify({ memberId, memberToken: toBase64Url(memberToken) }));
    } catch {
      // Storage full or blocked (private mode): the session still works, a reload just rejoins as new.
    }
  },
};

export function memoryMemberStore(): MemberStore {
  const entries = new Map<string, MemberCredentials>();
  return { load: (roomId) => entries.get(roomId) ?? null, save: (roomId, c) => void entries.set(roomId, c) };
}
