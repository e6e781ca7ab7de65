// The web side's one definition of the hub contract (docs/protocol.md): records, method and event
// names, and the readers that check what arrives. Refusal codes and limits have modules of their
// own (refusals.ts, limits.ts), checked against tests/vectors/refusals.json.
export * from './abilities';
export * from './entryReaders';
export * from './hubNames';
export * from './readers';
export type * from './records';
