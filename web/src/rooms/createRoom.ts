import { deriveRoomSecrets, randomLinkSecret, toBase64Url } from '../crypto';

export interface CreatedRoom {
  roomId: string;
  /** base64url; belongs in the link's fragment only. */
  linkSecret: string;
}

/** Makes a fresh link secret and registers only its join verifier with the server. */
export async function createRoom(fetchImpl: typeof fetch = fetch): Promise<CreatedRoom> {
  const secret = randomLinkSecret();
  const { joinVerifier } = await deriveRoomSecrets(secret);
  const response = await fetchImpl('/api/rooms', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ joinVerifier }),
  });
  if (response.status === 429) throw new Error('Too many new sessions from here. Wait a moment and try again.');
  if (!response.ok) throw new Error(`Could not start a session (HTTP ${response.status}).`);
  const body = (await response.json()) as { roomId?: unknown };
  if (typeof body.roomId !== 'string' || !body.roomId) throw new Error('The server answered without a room id.');
  return { roomId: body.roomId, linkSecret: toBase64Url(secret) };
}
