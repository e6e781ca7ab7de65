// `GET /api/rooms/{roomId}/usage` (docs/protocol.md, "File manager"): how much of the room's
// quota its uploads use, so the browser can refuse an upload before it starts.
import { memberAuthorization, type FileApiOptions } from '../fileApi';

export interface Usage {
  usedBytes: number;
  maxRoomBytes: number;
  maxFileBytes: number;
}

const count = (v: unknown, what: string): number => {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new Error(`Malformed answer from the server: ${what}`);
  return n;
};

/** Asks the server; throws on any failure (the caller decides what an unknown usage means). */
export async function fetchUsage(options: FileApiOptions, signal?: AbortSignal): Promise<Usage> {
  const authorization = memberAuthorization(await options.credentials());
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const response = await doFetch(`/api/rooms/${encodeURIComponent(options.roomId)}/usage`, {
    headers: { Authorization: authorization },
    credentials: 'omit',
    signal,
  });
  if (!response.ok) throw new Error(`The server answered ${response.status}`);
  const m = (await response.json()) as Record<string, unknown>;
  return { usedBytes: count(m.usedBytes, 'usedBytes'), maxRoomBytes: count(m.maxRoomBytes, 'maxRoomBytes'), maxFileBytes: count(m.maxFileBytes, 'maxFileBytes') };
}
