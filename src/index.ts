/** The public library API: the conversion core, with no file system or process access. */
export { Converter } from './convert';
export type { ConvertOptions, RuleResult, ConvertedRule } from './convert';
export type { PipelineSource } from './pipeline/merge-pipeline';
export { createMapLoader } from './core/resources';
export type { ResourceLoader } from './core/resources';
export { SigmaError } from './core/errors';
export type { Diagnostic, ErrorCode } from './core/errors';
export type { Expr, Predicate, SigmaString } from './ir/types';
