// What the browser tells a person for each refusal code. The server's own text is English and may
// carry details (an epoch, a size); these sentences are the client's, so a translation replaces
// this table and nothing else. A code missing here (one a newer server added) shows the server's text.
import { LIMITS } from './limits';
import { refusalOf, type RefusalCode } from './refusals';

export const REFUSAL_WORDS: Partial<Record<RefusalCode, string>> = {
  'room-unknown': 'This room does not exist. It may have ended.',
  'room-ended': 'This session has ended.',
  'room-expired': 'This session expired.',
  'room-busy': 'The room is busy; try again.',
  'server-unavailable': 'The server cannot do this just now; it will be tried again.',
  'room-log-full':
    "This room's history is full: the server keeps no more edits or messages for it. The room's creator can end it and start a new one.",
  'storage-full': "The server's disk is full: nothing was stored. Try again once space was freed (for example by deleting files).",
  'join-key-invalid':
    "This link does not open this room: part of it may be missing, or the room's creator has renewed it. Ask for a current link.",
  'member-removed': 'You were removed from this room.',
  'member-departed': 'You left this room.',
  'join-refused': 'The creator did not let you in.',
  'not-member': 'Not a member of this room: join it first.',
  'not-creator': "Only the room's creator can do that.",
  'sign-in-to-share-files': 'Sign in to share files.',
  'sign-in-to-protect-room': 'Sign in to protect a room with a password.',
  'sign-in-to-name-room': 'Sign in to name the room.',
  'password-required': 'This room needs a password.',
  'password-wrong': 'Wrong room password.',
  'password-invalid': `A room password has ${LIMITS.passwordMinLength} to ${LIMITS.passwordMaxLength} characters.`,
  'password-attempts': 'Too many password attempts: wait a little, then try again.',
  'origin-forbidden': 'This page may not connect to that server.',
  'rate-limited': 'Too many requests: slow down.',
  'argument-invalid': 'The server could not read the request.',
  'envelope-malformed': 'The server could not read what was sent.',
  'envelope-too-large': 'Too large to send.',
  'epoch-stale': "The room's key changed meanwhile; try again.",
  'sequence-invalid': 'The room changed meanwhile; join again.',
  'page-invalid': 'The server refused the page size.',
  'message-id-malformed': 'The server could not read the message id.',
  'entry-malformed': 'The server could not read the change to the files.',
  'entry-stale': 'Someone changed it meanwhile; look again and retry.',
  'entry-unknown': 'It is no longer in the room.',
  'entry-ids-invalid': `Choose between 1 and ${LIMITS.maxEntryDeletes} items at a time.`,
  'file-unusable': 'The upload cannot be used: it is not complete, or another entry holds it.',
  'member-unknown': 'No such member in this room.',
  'creator-cannot-leave': 'The creator cannot leave; terminate the session instead.',
  'not-waiting': 'Nobody by that id is waiting to join.',
  'grants-too-many': 'Too many keys to share at once.',
  'grant-malformed': 'The server refused a malformed key grant.',
  'grant-epoch-unheld': 'That key cannot be shared: this browser does not hold it.',
  'history-hidden': 'History is hidden in this room: only the current key may be shared.',
  'rotation-malformed': "The server refused a malformed change of the room's key.",
  'rotation-stale': "Another member changed the room's key first.",
  'rotation-forbidden': "Only a member holding the room's current key can change it.",
  'rotation-incomplete': "A change of the room's key must include every member.",
  'device-keys-malformed': "The server refused this browser's device keys.",
  'file-unknown': 'No such file in this room.',
  'file-complete': 'The file is complete and can no longer change.',
  'file-incomplete': 'The file is still being uploaded.',
  'file-in-manager': "The file is in the room's files: delete it there instead.",
  'chunk-invalid': 'The server refused a piece of the file.',
  'size-invalid': 'The file size is not valid.',
  'file-too-large': 'The file is too large.',
  'room-quota-exceeded': "The room's storage is full.",
  'antiforgery-invalid': 'The page is out of date: reload it and try again.',
  'captcha-invalid': 'The human check failed or expired: try again.',
  'user-name-invalid': `A user name has ${LIMITS.userNameMinLength} to ${LIMITS.userNameMaxLength} characters.`,
  'user-name-taken': 'That user name is taken: choose another.',
  // 'account-password-invalid' shows the server's text: it names the rules the password broke.
  'sign-in-failed': 'Wrong user name or password.',
  'account-locked': 'Too many failed sign-ins: this account is locked for a few minutes.',
};

/** A sentence for a person: the client's words for a known code, else the server's text (or the error's message). */
export function errorText(error: unknown): string {
  const { code, text } = refusalOf(error);
  return (code && REFUSAL_WORDS[code]) ?? text;
}
