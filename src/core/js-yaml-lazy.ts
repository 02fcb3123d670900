import type * as JsYaml from 'js-yaml';

let loaded: typeof JsYaml | undefined;

/**
 * js-yaml, initialised on first use. Rules are read by the fast reader (src/rule/yaml-fast.ts) and the
 * project's own data files come pre-parsed from the build, so a plain conversion often never needs
 * js-yaml, whose schemas cost a few ms to set up at start-up.
 */
export function jsYaml(): typeof JsYaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('js-yaml') as typeof JsYaml);
}
