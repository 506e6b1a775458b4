// The c/ layer: neutralize kernel macros, parse with tree-sitter-c, read functions, calls and types.
export { initParser, parseC, reparseC, disposeC, parserReady, diffEdit, ParseCancelled, type ParseOptions } from './parser';
export { neutralize, type Neutralized, type NeutralizeOptions, type Annotation, type MacroLoop } from './neutralize';
export { functionsTouching, functionAt } from './functions';
export { callsIn, type CallsOptions } from './calls';
export { localTypes, structFields, globalTypes, type StructField } from './declarations';
export { exprText, normalizeExpr } from './expr';
export type { CFile, CFunction, CCall, CNode, CParam } from './types';
