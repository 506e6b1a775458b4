// The patch reader: series -> patches -> files -> hunks, and the patch-line <-> file-line maps.
export * from './types';
export { parsePatchSet } from './parse';
export { hunkFunctionName, parseDeclarator, type Declarator } from './function-name';
export { newLineToInputLine, oldLineToInputLine, inputLineToFileLine, type FileLineRef } from './line-map';
export { splitLines } from './lines';
