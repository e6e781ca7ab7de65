// How this browser appears to others in a room: a guest name and a cursor colour, chosen once at
// random and kept in localStorage. Shared only inside encrypted awareness updates.

export interface LocalProfile {
  name: string;
  color: string;
}

const KEY = 'parley.profile';
const ANIMALS = [
  'Otter', 'Fox', 'Heron', 'Badger', 'Lynx', 'Panda', 'Koala', 'Falcon', 'Walrus', 'Moose', 'Gecko', 'Owl',
  'Puffin', 'Beaver', 'Hedgehog', 'Dolphin', 'Raccoon', 'Wombat', 'Yak', 'Ibis', 'Marten', 'Quokka', 'Tapir', 'Seal',
];
// Bright enough to read on the dark editor, distinct enough to tell people apart.
export const CURSOR_COLORS = [
  '#f87171', '#fb923c', '#fbbf24', '#a3e635', '#34d399', '#22d3ee', '#60a5fa', '#a78bfa', '#f472b6', '#e879f9',
];

const pickOne = <T>(items: T[]) => items[crypto.getRandomValues(new Uint32Array(1))[0] % items.length];

export function isProfile(value: unknown): value is LocalProfile {
  const p = value as LocalProfile | null;
  return typeof p?.name === 'string' && p.name.length > 0 && typeof p.color === 'string' && /^#[0-9a-f]{6}$/i.test(p.color);
}

export function localProfile(storage: Storage | undefined = globalThis.localStorage): LocalProfile {
  try {
    const stored: unknown = JSON.parse(storage?.getItem(KEY) ?? 'null');
    if (isProfile(stored)) return stored;
  } catch {
    // unreadable: make a new one
  }
  const profile = { name: `Guest ${pickOne(ANIMALS)}`, color: pickOne(CURSOR_COLORS) };
  try {
    storage?.setItem(KEY, JSON.stringify(profile));
  } catch {
    // storage blocked: the name just changes on the next visit
  }
  return profile;
}
