// What the creator chose on the landing page for a new room (a name, a password). Both need the
// room: the name is sealed under the room key, the password is set on the joined room. So they
// wait here, in this page's memory only (a password is never written to storage), until the
// creator's first join holds the key, and are applied then (ui/useRoomSetup.ts).

export interface RoomSetup {
  name: string | null;
  password: string | null;
}

const pending = new Map<string, RoomSetup>();

export function keepSetup(roomId: string, setup: RoomSetup): void {
  if (setup.name || setup.password) pending.set(roomId, setup);
}

/** The setup waiting for this room, handed out once. */
export function takeSetup(roomId: string): RoomSetup | null {
  const setup = pending.get(roomId) ?? null;
  pending.delete(roomId);
  return setup;
}
