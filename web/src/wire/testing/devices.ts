// Device identities and an invite link for tests. Two devices come from tests/vectors/keys.json
// (their private keys imported non-extractable, as a browser keeps its own: instant); any more
// are made on demand, once per test file (RSA-3072 key generation takes a while).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDeviceIdentity, deriveRoomSecrets, type DeviceIdentity } from '../../crypto';

/** The page's link secret in tests, and the join key it derives. */
export const TEST_LINK = new Uint8Array(32).fill(3);
export const TEST_JOIN_KEY = (await deriveRoomSecrets(TEST_LINK)).joinKey;

interface DeviceVector { wrapKey: string; signKey: string; wrapPrivatePkcs8: string; signPrivatePkcs8: string }
const hex = (h: string) => new Uint8Array((h.match(/../g) ?? []).map((b) => parseInt(b, 16)));
// A path, not `new URL(…, import.meta.url)`: under jsdom (UI tests) Vite turns that into an http URL.
const VECTORS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../tests/vectors/keys.json');
const vectors = JSON.parse(readFileSync(VECTORS, 'utf8')) as { devices: DeviceVector[] };

async function vectorDevice(v: DeviceVector): Promise<DeviceIdentity> {
  const unwrapping = await crypto.subtle.importKey('pkcs8', hex(v.wrapPrivatePkcs8), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['unwrapKey']);
  const signing = await crypto.subtle.importKey('pkcs8', hex(v.signPrivatePkcs8), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  return { wrapKey: hex(v.wrapKey), signKey: hex(v.signKey), unwrapping, signing };
}

const made = new Map<number, Promise<DeviceIdentity>>();

/** Device `n`: the same object for the same `n` within a test file. */
export function testDevice(n = 0): Promise<DeviceIdentity> {
  let device = made.get(n);
  if (!device) {
    device = n < vectors.devices.length ? vectorDevice(vectors.devices[n]) : createDeviceIdentity();
    made.set(n, device);
  }
  return device;
}
