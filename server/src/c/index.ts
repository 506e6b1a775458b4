// The c/ layer: neutralize kernel macros, parse with tree-sitter-c, read functions, calls and types.
export { initParser, parseC, reparseC, disposeC, parseRaw, parserReady, diffEdit, ParseCancelled, type ParseOptions } from './parser';
export { neutralize, type Neutralized, type NeutralizeOptions, type Annotation, type MacroLoop } from './neutralize';
export { functionsTouching, functionAt } from './functions';
export { callsIn, callNodes, calleeName, toCall, type CallsOptions } from './calls';
export { localTypes, structFields, globalTypes, type StructField } from './declarations';
export { exprText, normalizeExpr } from './expr';
export { collectStats, type ParseStats, type StatsInput, type StatsOptions } from './stats';
export { LOCK_API_NAMES } from './lock-apis';
export type { CFile, CFunction, CCall, CNode, CParam } from './types';
