// How this browser appears to others in a room: a name the person chose (remembered per browser,
// changeable from the room menu) and a colour picked per room so that the first dozen members all
// differ. Both travel only inside encrypted envelopes: awareness, chat and the lobby's profile.

import { Value } from '../state/value';

export interface LocalProfile {
  name: string;
  color: string;
}

/** Names are for people to read: a cursor tag and a Kick button still fit at this length. */
export const MAX_NAME = 32;
const NAME_KEY = 'parley.name';

/**
 * Twelve colours that people tell apart on the editor's light and dark backgrounds; a room gives
 * each of its first twelve members a different one.
 */
export const MEMBER_COLORS = [
  '#e5484d', '#f76b15', '#d6a400', '#46a758', '#12a594', '#0090ff',
  '#6e56cf', '#d6409f', '#978365', '#5bb98b', '#ab4aba', '#3e63dd',
];

export function isProfile(value: unknown): value is LocalProfile {
  const p = value as LocalProfile | null;
  return typeof p?.name === 'string' && p.name.length > 0 && typeof p.color === 'string' && /^#[0-9a-f]{6}$/i.test(p.color);
}

/**
 * A name as people type it, made fit to show: spaces trimmed and collapsed, control and
 * formatting characters (which could reorder or hide text) dropped, at most MAX_NAME characters.
 * Null when nothing is left.
 */
export function cleanName(input: string): string | null {
  const text = input.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '').replace(/\s+/g, ' ').trim();
  const name = [...text].slice(0, MAX_NAME).join('').trim();
  return name.length > 0 ? name : null;
}

/** The name this browser chose, or null before its first room. */
export function rememberedName(storage: Storage | undefined = globalThis.localStorage): string | null {
  try {
    const stored = storage?.getItem(NAME_KEY);
    return stored ? cleanName(stored) : null;
  } catch {
    return null; // storage blocked: ask again
  }
}

export function rememberName(name: string, storage: Storage | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(NAME_KEY, name);
  } catch {
    // storage blocked (private mode): the name holds for this page, and the next visit asks again
  }
}

/** The first colour no one else holds; when all twelve are taken, the least used one. */
export function freeColor(taken: readonly string[]): string {
  const counts = new Map(MEMBER_COLORS.map((c) => [c, 0]));
  for (const color of taken) {
    const key = color.toLowerCase();
    if (counts.has(key)) counts.set(key, counts.get(key)! + 1);
  }
  let best = MEMBER_COLORS[0];
  for (const color of MEMBER_COLORS) if (counts.get(color)! < counts.get(best)!) best = color;
  return best;
}

/**
 * This browser's profile in one room: its name (shared by all rooms of the browser) and its colour
 * there. Watchers (awareness, the lobby, chat) read `profile`, so a rename reaches all of them.
 */
export class LocalIdentity {
  readonly profile: Value<LocalProfile>;

  constructor(
    name: string,
    /** Until the room's members are known, the first colour: whoever joined later gives way (chat/presence.ts). */
    color = MEMBER_COLORS[0],
    private readonly storage: Storage | undefined = globalThis.localStorage,
  ) {
    this.profile = new Value<LocalProfile>({ name, color });
  }

  /** Takes a new name for every room of this browser; false (and nothing changes) when it is empty. */
  rename(input: string): boolean {
    const name = cleanName(input);
    if (!name) return false;
    rememberName(name, this.storage);
    if (name !== this.profile.get().name) this.profile.set({ ...this.profile.get(), name });
    return true;
  }

  /** Moves to another colour (someone who joined earlier holds this one). */
  recolor(color: string): void {
    if (color !== this.profile.get().color) this.profile.set({ ...this.profile.get(), color });
  }
}
