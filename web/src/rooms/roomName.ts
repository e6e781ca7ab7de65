// A room's display name comes from the link secret (HKDF "room-name"), so everyone holding the
// link sees the same name and the server never learns it.

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
export function roomDisplayName(roomNameBytes: Uint8Array): string {
  if (roomNameBytes.length < 6) throw new Error('Need at least 6 room-name bytes');
  const pick = (i: number) => (roomNameBytes[i] << 8) | roomNameBytes[i + 1];
  return `${ADJECTIVES[pick(0) % ADJECTIVES.length]}-${NOUNS[pick(2) % NOUNS.length]}-${pick(4) % 100}`;
}
