import type { MemberPresence } from '../chat/presence';

/** A member as the members panel shows it, for UI tests. */
export const member = (memberId: string, name: string, extra: Partial<MemberPresence> = {}): MemberPresence => ({
  memberId,
  name,
  chosenName: name,
  color: '#34d399',
  status: 'online',
  isSelf: false,
  isCreator: false,
  ...extra,
});
