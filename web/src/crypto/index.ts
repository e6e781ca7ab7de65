// The only module that touches WebCrypto. Everything else sees keys as opaque CryptoKeys or a ring.
export { toBase64Url, fromBase64Url } from './base64url';
export {
  randomLinkSecret,
  deriveRoomSecrets,
  joinVerifierText,
  importRoomKey,
  newRoomKey,
  LINK_SECRET_BYTES,
  type RoomSecrets,
} from './roomSecrets';
export {
  associatedData,
  encryptEnvelope,
  decryptEnvelope,
  IV_BYTES,
  type Envelope,
  type EnvelopeContext,
  type EnvelopeKind,
} from './envelope';
export { RoomKeyRing } from './roomKeyRing';
export { indexedDbVault, openLocalVault, type LocalVault, type SealedRecord } from './localVault';
export {
  createDeviceIdentity,
  indexedDbDeviceStore,
  isDeviceIdentity,
  loadDeviceIdentity,
  type DeviceIdentity,
  type DeviceStore,
} from './deviceIdentity';
export {
  fingerprint,
  linkProof,
  linkProofHolds,
  grantSignedData,
  makeGrant,
  openGrant,
  WRAPPED_KEY_BYTES,
  SIGNATURE_BYTES,
  LINK_PROOF_BYTES,
  type DeviceKeys,
  type Grant,
  type GrantTo,
} from './keyGrants';
export {
  FILE_CHUNK_BYTES,
  CHUNK_TAG_BYTES,
  newFileKey,
  importFileKey,
  chunkCountFor,
  chunkPlainLength,
  fileChunkIv,
  fileChunkAd,
  encryptFileChunk,
  decryptFileChunk,
  FileChunkDecryptor,
  type FileKey,
} from './fileCipher';
