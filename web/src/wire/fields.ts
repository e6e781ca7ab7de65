// Checks for single fields of a MessagePack map: a shape the protocol does not allow throws, so the
// rest of the client can trust the types the readers return. int64 values may decode as number or
// bigint; both become numbers.

export type Raw = Record<string, unknown>;

export function fail(what: string, field: string): never {
  throw new Error(`Malformed ${what} from server: bad ${field}`);
}

export function map(value: unknown, what: string): Raw {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(what, 'map');
  return value as Raw;
}

export function int(value: unknown, what: string, field: string): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) fail(what, field);
  return n;
}

/** A key epoch: -1 is a room that has no key yet. */
export function epochOf(value: unknown, what: string, field = 'epoch'): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < -1) fail(what, field);
  return n;
}

export function str(value: unknown, what: string, field: string): string {
  if (typeof value !== 'string') fail(what, field);
  return value;
}

export const optionalStr = (value: unknown, what: string, field: string): string | null => (value == null ? null : str(value, what, field));

export function bin(value: unknown, what: string, field: string): Uint8Array {
  if (!(value instanceof Uint8Array)) fail(what, field);
  return value;
}

/** A flag the server always sends: a missing one is a malformed answer, not a default. */
export function flag(value: unknown, what: string, field: string): boolean {
  if (typeof value !== 'boolean') fail(what, field);
  return value;
}

/** A list the server always sends (empty when there is nothing). */
export function list(value: unknown, what: string, field: string): unknown[] {
  if (!Array.isArray(value)) fail(what, field);
  return value;
}
