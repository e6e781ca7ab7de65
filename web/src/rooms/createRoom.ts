import { problemText, type RoomCreationProof } from '../accounts/accountClient';
import { deriveRoomSecrets, fromBase64Url, joinVerifierText, randomLinkSecret, toBase64Url } from '../crypto';
import { defaultMemberStore, type MemberStore } from './memberStore';

export interface CreatedRoom {
  roomId: string;
  /** base64url; belongs in the link's fragment only. */
  linkSecret: string;
}

const CREATOR_TOKEN_BYTES = 32;

const NO_PROOF: RoomCreationProof = { headers: {}, captcha: null };

/**
 * Makes a fresh link secret and registers only its join verifier with the server. The creator
 * token it gets back stays in this browser (`members`): presented on the first join, it makes
 * this browser's member the room's creator, the one who can kick and end the session. `proof`
 * comes from the account: the antiforgery token when signed in, a solved captcha for a guest.
 */
export async function createRoom(
  fetchImpl: typeof fetch = fetch,
  members: MemberStore = defaultMemberStore(),
  proof: RoomCreationProof = NO_PROOF,
): Promise<CreatedRoom> {
  const secret = randomLinkSecret();
  const joinVerifier = joinVerifierText(await deriveRoomSecrets(secret));
  const response = await fetchImpl('/api/rooms', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...proof.headers },
    body: JSON.stringify(proof.captcha ? { joinVerifier, captcha: proof.captcha } : { joinVerifier }),
  });
  if (response.status === 429) throw new Error('Too many new sessions from here. Wait a moment and try again.');
  if (!response.ok) throw new Error(await problemText(response, 'Could not start a session'));
  const body = (await response.json()) as { roomId?: unknown; creatorToken?: unknown };
  if (typeof body.roomId !== 'string' || !body.roomId) throw new Error('The server answered without a room id.');
  const creatorToken = readCreatorToken(body.creatorToken);
  // Without a token the room still works; it just has no creator controls.
  if (creatorToken) members.saveCreatorToken(body.roomId, creatorToken);
  return { roomId: body.roomId, linkSecret: toBase64Url(secret) };
}

function readCreatorToken(value: unknown): Uint8Array | null {
  if (value === undefined || value === null) return null;
  try {
    const token = typeof value === 'string' ? fromBase64Url(value) : null;
    if (token?.length === CREATOR_TOKEN_BYTES) return token;
  } catch {
    // falls through to the error below
  }
  throw new Error('The server answered with a malformed creator token.');
}
