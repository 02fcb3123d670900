import { acceptsPipeline, Converter } from '../convert';
import { listPipelines } from '../pipeline/load-pipeline';
import { createFsLoader } from './fs-loader';
import { listTargets } from '../render/backend-def';
import { ExitCode, type CliIO } from './io';
import { didYouMean, printable } from '../core/suggest';

/** What `sigma-convert list` can list. */
export const LIST_SUBJECTS = ['targets', 'pipelines', 'formats'] as const;

/** `sigma-convert list targets|pipelines|formats`. */
export function runList(what: string, io: CliIO): number {
  const loader = createFsLoader();
  const converter = new Converter(loader);
  const targets = listTargets(loader);
  const lines: string[] = [];
  switch (what) {
    case 'targets':
      for (const t of targets) {
        const def = converter.backend(t);
        lines.push(`${t.padEnd(10)} ${def.description} (default pipeline: ${def.default_pipeline})`);
      }
      break;
    case 'pipelines':
      for (const p of listPipelines(loader)) {
        const def = converter.pipeline(p);
        // Every target that queries the pipeline's data model may use it (lucene, eql and esql share ecs).
        const users = targets.filter((t) => acceptsPipeline(converter.backend(t), def)).join(',');
        lines.push(`${p.padEnd(16)} ${users.padEnd(16)} ${def.description}`);
      }
      lines.push(`${'none'.padEnd(16)} ${'any'.padEnd(16)} no mapping: field names as written (KQL needs --table)`);
      lines.push('', "Your own: --pipeline FILE (a pipeline file; 'extends: <name>' builds on a built-in one; repeat to stack files). See docs/pipelines.md.");
      break;
    case 'formats':
      for (const t of targets) {
        for (const [name, f] of Object.entries(converter.backend(t).formats)) {
          lines.push(`${t.padEnd(8)} ${name.padEnd(20)} ${f.description ?? ''}`.trimEnd());
        }
      }
      break;
    default:
      io.stderr(`sigma-convert: unknown list '${printable(what)}'${didYouMean(what, LIST_SUBJECTS)}\nUsage: sigma-convert list <${LIST_SUBJECTS.join('|')}>`);
      return ExitCode.Usage;
  }
  io.stdout(lines.join('\n') + '\n');
  return ExitCode.Ok;
}
