// Refusal codes (tests/vectors/refusals.json): a hub refusal arrives as a HubException whose
// message is "<code>: <text>", an HTTP refusal as ProblemDetails with a `code` extension. The
// browser decides on the code alone; the text is the server's, in English, shown only for a code
// this client does not know (refusalWords.ts holds the browser's own sentences).

export const REFUSAL_CODES = [
  'room-unknown',
  'room-ended',
  'room-expired',
  'room-busy',
  'join-key-invalid',
  'member-removed',
  'member-departed',
  'join-refused',
  'not-member',
  'not-creator',
  'sign-in-to-share-files',
  'sign-in-to-protect-room',
  'sign-in-to-name-room',
  'password-required',
  'password-wrong',
  'password-invalid',
  'password-attempts',
  'rate-limited',
  'argument-invalid',
  'envelope-malformed',
  'envelope-too-large',
  'epoch-stale',
  'sequence-invalid',
  'page-invalid',
  'message-id-malformed',
  'entry-malformed',
  'entry-stale',
  'entry-unknown',
  'entry-ids-invalid',
  'file-unusable',
  'member-unknown',
  'creator-cannot-leave',
  'not-waiting',
  'grants-too-many',
  'grant-malformed',
  'grant-epoch-unheld',
  'history-hidden',
  'rotation-malformed',
  'rotation-stale',
  'rotation-forbidden',
  'rotation-incomplete',
  'device-keys-malformed',
  'file-unknown',
  'file-complete',
  'file-incomplete',
  'file-in-manager',
  'chunk-invalid',
  'size-invalid',
  'file-too-large',
  'room-quota-exceeded',
  'antiforgery-invalid',
  'captcha-invalid',
  'user-name-invalid',
  'user-name-taken',
  'account-password-invalid',
  'sign-in-failed',
  'account-locked',
  'server-unavailable',
  'room-log-full',
  'storage-full',
  'origin-forbidden',
] as const;

export type RefusalCode = (typeof REFUSAL_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(REFUSAL_CODES);
export const isRefusalCode = (value: unknown): value is RefusalCode => typeof value === 'string' && KNOWN.has(value);

/** A refusal as the server words it; `code` is null when the message carries no code this client knows. */
export interface Refusal {
  code: RefusalCode | null;
  text: string;
}

/** The hub message of a refusal, as the server builds it (and the in-memory fakes, to stay honest). */
export const hubMessage = (code: RefusalCode, text: string) => `${code}: ${text}`;

// With detailed errors off, SignalR passes on only a HubException's message, and the JavaScript
// client wraps it: "An unexpected error occurred invoking 'Kick' on the server. HubException: <message>".
const HUB_EXCEPTION = 'HubException: ';
const CODED = /^([a-z][a-z0-9]*(?:-[a-z0-9]+)*): ([\s\S]*)$/;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The message the server sent: SignalR's wrapping taken off, the code still in front. */
export function hubMessageOf(error: unknown): string {
  const message = messageOf(error);
  const at = message.indexOf(HUB_EXCEPTION);
  return at < 0 ? message : message.slice(at + HUB_EXCEPTION.length);
}

/** Parses "<code>: <text>"; an unknown code or none leaves the whole message as the text. */
export function parseHubMessage(message: string): Refusal {
  const match = CODED.exec(message);
  return match && isRefusalCode(match[1]) ? { code: match[1], text: match[2] } : { code: null, text: message };
}

/** The refusal in a hub error (or any error: then its code is null and its text the message). */
export const refusalOf = (error: unknown): Refusal => parseHubMessage(hubMessageOf(error));

/** The code of a hub refusal; null for errors that carry none (a lost connection, a time-out). */
export const refusalCodeOf = (error: unknown): RefusalCode | null => refusalOf(error).code;

/** The `code` extension of a ProblemDetails body (parsed JSON); null when absent or unknown. */
export function problemCodeOf(body: unknown): RefusalCode | null {
  if (typeof body !== 'object' || body === null) return null;
  const code = (body as Record<string, unknown>).code;
  return isRefusalCode(code) ? code : null;
}
