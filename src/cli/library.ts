/**
 * The package's Node entry (`require('sigma-convert')`): the conversion core plus a converter that
 * reads the definitions shipped in the package (backends/, templates/). The file-system-free core
 * alone is `sigma-convert/core` (for browsers and bundlers, with your own ResourceLoader).
 */
import { Converter, type ConvertOptions, type RuleResult } from '../convert';
import { createFsLoader, projectRoot } from './fs-loader';

export * from '../index';
export { createFsLoader, projectRoot };

/** A Converter over the shipped definitions (or those under `root`: a folder holding backends/ and templates/). */
export function createConverter(root: string = projectRoot()): Converter {
  return new Converter(createFsLoader(root));
}

let shared: Converter | undefined;

/**
 * Converts every rule of one YAML text with the shipped definitions: one result per document, a broken
 * rule as a result with errors (never an exception); an unknown target, pipeline or format throws.
 */
export function convert(text: string, options: ConvertOptions, file = 'rule.yml'): RuleResult[] {
  shared ??= createConverter();
  return shared.convertText(text, file, options);
}
