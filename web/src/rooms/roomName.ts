// A room without a custom name (room-meta) shows one picked from SHA-256 of its id, so everyone
// sees the same name. Not secret: the server knows the id, and so the name.

const ADJECTIVES = [
  'amber', 'azure', 'bold', 'brisk', 'calm', 'clever', 'cosmic', 'crisp', 'dapper', 'deft', 'eager', 'early',
  'fancy', 'fleet', 'gentle', 'glad', 'golden', 'grand', 'happy', 'hidden', 'humble', 'icy', 'jolly', 'keen',
  'kind', 'lively', 'lucky', 'lunar', 'mellow', 'merry', 'misty', 'modern', 'noble', 'nimble', 'olive', 'patient',
  'plucky', 'polished', 'proud', 'quick', 'quiet', 'rapid', 'royal', 'rustic', 'sandy', 'shiny', 'silent', 'silver',
  'sleek', 'snowy', 'solar', 'spry', 'steady', 'stormy', 'sunny', 'swift', 'tidy', 'tranquil', 'velvet', 'vivid',
  'warm', 'wild', 'wise', 'zesty',
];

const NOUNS = [
  'anchor', 'aspen', 'badger', 'beacon', 'birch', 'breeze', 'brook', 'canyon', 'cedar', 'comet', 'coral', 'crane',
  'delta', 'dune', 'ember', 'falcon', 'fern', 'fjord', 'forest', 'galaxy', 'garden', 'glacier', 'harbor', 'heron',
  'island', 'jasper', 'kestrel', 'lagoon', 'lantern', 'maple', 'meadow', 'meteor', 'nebula', 'oasis', 'orbit', 'otter',
  'pebble', 'pine', 'planet', 'prairie', 'quartz', 'raven', 'reef', 'ridge', 'river', 'rocket', 'sparrow', 'spruce',
  'summit', 'thicket', 'thunder', 'tide', 'tundra', 'valley', 'violet', 'voyage', 'walrus', 'willow', 'wren', 'yarrow',
  'zenith', 'zephyr', 'atlas', 'bramble',
];

/** e.g. "quiet-harbor-42". */
export function roomDisplayName(digest: Uint8Array): string {
  if (digest.length < 6) throw new Error('Need at least 6 bytes to pick a name');
  const pick = (i: number) => (digest[i] << 8) | digest[i + 1];
  return `${ADJECTIVES[pick(0) % ADJECTIVES.length]}-${NOUNS[pick(2) % NOUNS.length]}-${pick(4) % 100}`;
}

/** The name a room shows until its creator names it. */
export async function defaultRoomName(roomId: string): Promise<string> {
  return roomDisplayName(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(roomId))));
}
