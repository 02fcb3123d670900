/**
 * The targets a test runs over: every backends/<name>.yml, as the CLI's `list targets` sees them.
 * A new backend file is covered by these tests with no list to edit.
 */
import * as path from 'path';
import { createFsLoader } from '../../src/cli/fs-loader';
import { Converter } from '../../src/convert';
import { listTargets } from '../../src/render/backend-def';
import { FEATURE_TABLE, needsTable } from '../../scripts/golden-cases';

const ROOT = path.resolve(__dirname, '..', '..');
const converter = new Converter(createFsLoader(ROOT));

export const TARGETS: readonly string[] = listTargets(createFsLoader(ROOT));

/** The CLI arguments a target needs with --pipeline none (a table to read, for targets that read one). */
export function noneSourceArgs(target: string): string[] {
  return needsTable(converter, target) ? ['--table', FEATURE_TABLE] : [];
}
