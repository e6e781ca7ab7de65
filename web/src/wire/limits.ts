// Limits the server enforces and the browser checks before a round trip, or builds within. The
// values are the server's (tests/vectors/refusals.json, "limits"; a test holds them to it).

export const LIMITS = {
  ivBytes: 12,
  tagBytes: 16,
  roomKeyBytes: 32,
  linkSecretBytes: 32,
  linkProofBytes: 32,
  rsaBits: 3072,
  wrappedKeyBytes: 384,
  signatureBytes: 64,
  fileChunkBytes: 1048576,
  /** The largest `room-meta`, `file-meta` or `member-profile` ciphertext. */
  maxMetaBytes: 4096,
  maxGrantsPerCall: 1000,
  maxUpdatesPerPush: 256,
  /** A `room-link` remembers at most this many link secrets: the current one and the newest before it. */
  maxLinkSecrets: 64,
  passwordMinLength: 8,
  passwordMaxLength: 128,
  chatMaxPage: 100,
  activityMaxPage: 200,
  entriesMaxPage: 1000,
  maxEntryDeletes: 1000,
  messageIdMaxLength: 64,
  userNameMinLength: 3,
  userNameMaxLength: 32,
  accountPasswordMaxLength: 128,
} as const;

export type LimitName = keyof typeof LIMITS;
