// WebCrypto's typings want bytes backed by a plain ArrayBuffer; bytes that come off the wire may
// be views into a shared decode buffer, so copy when (and only when) that is not the case.
export function ownBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

export const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);
