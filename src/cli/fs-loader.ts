import * as fs from 'fs';
import * as path from 'path';
import type { BuiltResource, ResourceLoader } from '../core/resources';

/** The project root holding backends/ and templates/ (dist/src/cli → three levels up). */
export function projectRoot(): string {
  const candidates = [path.resolve(__dirname, '..', '..', '..'), path.resolve(__dirname, '..', '..')];
  return candidates.find((c) => fs.existsSync(path.join(c, 'backends'))) ?? (candidates[0] as string);
}

/** Where `npm run build` puts what it made of each resource file (scripts/build-resources.ts); absent under ts-jest. */
const BUILT_DIR = path.join(__dirname, '..', 'generated', 'built');

export function createFsLoader(root = projectRoot()): ResourceLoader {
  return {
    read(p) {
      try {
        return fs.readFileSync(path.join(root, ...p.split('/')), 'utf8');
      } catch {
        return undefined;
      }
    },
    list(dir) {
      try {
        return fs.readdirSync(path.join(root, ...dir.split('/'))).sort();
      } catch {
        return [];
      }
    },
    built: readBuilt,
  };
}

/** The schemas the build checked data files against (name → JSON text), read once. */
let builtSchemas: Readonly<Record<string, string>> | undefined;

/** The build's entry for this file, when it was made from exactly this text; read afresh each time. */
function readBuilt(p: string, text: string): BuiltResource | undefined {
  const file = path.join(BUILT_DIR, ...p.split('/'));
  let entry: { source?: unknown; value?: unknown; checked?: string[]; template?: unknown };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    entry = p.endsWith('.hbs') ? require(`${file}.js`) : JSON.parse(fs.readFileSync(`${file}.json`, 'utf8'));
  } catch {
    return undefined; // not built, or not preparable at build time
  }
  if (entry.source !== text) return undefined;
  let checked: string[] | undefined;
  if (entry.checked?.length) {
    try {
      builtSchemas ??= JSON.parse(fs.readFileSync(path.join(BUILT_DIR, 'schemas.json'), 'utf8')) as Record<string, string>;
      checked = entry.checked.flatMap((name) => (Object.hasOwn(builtSchemas as object, name) ? [(builtSchemas as Record<string, string>)[name] as string] : []));
    } catch {
      checked = undefined; // the value is still the build's; it is checked at run time
    }
  }
  return { value: entry.value, checked, template: entry.template };
}
