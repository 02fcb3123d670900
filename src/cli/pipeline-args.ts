import * as fs from 'fs';
import type { PipelineSource } from '../pipeline/merge-pipeline';
import { SigmaError } from '../core/errors';

/** Larger than any real pipeline (the biggest built-in one is about 100 KB): a bound, not a limit anyone meets. */
const MAX_PIPELINE_FILE_BYTES = 4 * 1024 * 1024;

/**
 * `--pipeline` values as the core takes them: 'none' or a built-in name stay names; a value that looks
 * like a path (has a '/' or '\', or ends in .yml / .yaml) is a pipeline file, read here. Several values
 * are applied in order. Throws a message for a usage error (unreadable file).
 */
export function readPipelineArgs(values: string | readonly string[] | undefined): string | PipelineSource[] | undefined {
  const list = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  if (list.length === 0) return undefined;
  if (list.length === 1 && !isPipelineFile(list[0] as string)) return list[0];
  if (list.includes('none')) throw new SigmaError('invalid-value', "--pipeline none cannot be combined with other pipelines");
  return list.map((v) => (isPipelineFile(v) ? readPipelineFile(v) : v));
}

/** Whether a --pipeline value names a file rather than a built-in pipeline. */
export function isPipelineFile(value: string): boolean {
  return /[\\/]/.test(value) || /\.ya?ml$/i.test(value);
}

function readPipelineFile(file: string): PipelineSource {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SigmaError('input', `cannot read pipeline file ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  if (size > MAX_PIPELINE_FILE_BYTES) throw new SigmaError('input', `pipeline file ${file} is ${size} bytes, more than the limit of ${MAX_PIPELINE_FILE_BYTES}`);
  return { file, text: fs.readFileSync(file, 'utf8') };
}
