// How the Files page writes times and members: times in the reader's own time zone and locale
// (the server sends UTC milliseconds), members by the name the room knows them by.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const formatDateTime = (ms: number) => dateTime.format(ms);
export const isoTime = (ms: number) => new Date(ms).toISOString();

/** "Member 3f9a2c" for someone whose name this browser has never seen. */
export const shortMember = (memberId: string) => `Member ${memberId.slice(0, 6)}`;

/** A display name: "You", the name from presence or chat, else a short form of the id. */
export function memberName(memberId: string, selfId: string | null, nameOf: (memberId: string) => string | null): string {
  if (memberId === selfId) return 'You';
  return nameOf(memberId) ?? shortMember(memberId);
}
