/** The snapshot adapter: load a SNAPSHOT.md file, then read request facts from it offline. */
export { loadSnapshot, SnapshotError, formatJsonPath } from './load';
export { decodePolicyDocument } from './policy-document';
export { snapshotSchema, type Snapshot } from './schema';
export { SnapshotView } from './view';
