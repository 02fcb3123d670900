import { expandInputs, readRuleText, type InputFile } from './inputs';
import type { CliIO } from './io';
import { DEFAULT_LIMITS } from '../core/limits';

export interface RuleFileText {
  readonly input: InputFile;
  /** The name as given on the command line (what messages print). */
  readonly file: string;
  readonly text: string;
}

/**
 * Expands the command line's paths and reads every rule file as text (bounded, BOM/UTF-16 aware). Each
 * input that cannot be used is reported on stderr as `NAME: error[input]: ...`; the others are read.
 */
export function readRuleFiles(paths: readonly string[], io: CliIO, maxBytes = DEFAULT_LIMITS.fileBytes): { files: RuleFileText[]; inputErrors: boolean } {
  const { files, problems } = expandInputs(paths);
  let inputErrors = problems.length > 0;
  for (const p of problems) io.stderr(`${p.name}: error[input]: ${p.message}`);
  const out: RuleFileText[] = [];
  for (const input of files) {
    try {
      out.push({ input, file: input.name, text: readRuleText(input, maxBytes) });
    } catch (err) {
      io.stderr(`${input.name}: error[input]: ${(err as Error).message}`);
      inputErrors = true;
    }
  }
  return { files: out, inputErrors };
}
