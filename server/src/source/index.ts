// Source materialisation: trees, and the pre/post images of the files a patch series touches.
export * from './types';
export { fsTree, memoryTree, normalizeRelPath, type TreeReader } from './tree';
export { materializeSeries } from './materialize';
export { applyHunks, type ApplyResult } from './apply';
export { synthesizeSide } from './hunk-only';
