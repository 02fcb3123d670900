// @ts-check
/**
 * The parts of ../shared (next to this clone) some suites read, and the one line `npm test` prints when
 * any is missing (jest globalSetup): the suites that need them skip; this says which, once.
 */
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const SHARED = path.resolve(ROOT, '..', 'shared');
const corpus = process.env.SIGMA_CORPUS || path.join(SHARED, 'sigmahq');

/** Each optional input: where it is, and the checks that need it. */
const OPTIONAL = [
  { path: path.join(corpus, 'rules'), label: 'the SigmaHQ corpus (set SIGMA_CORPUS)', suites: ['corpus conversion', 'rule schema vs official schema'] },
  { path: path.join(SHARED, 'sigma-spec', 'json-schema'), label: 'sigma-spec/json-schema', suites: ['rule schema vs official schema', 'sigma/ rules vs official schema'] },
  { path: path.join(SHARED, 'sigma-spec', 'specification'), label: 'sigma-spec/specification', suites: ['taxonomy data freshness'] },
];

/** True when the input at `p` (one of OPTIONAL's paths) is there. */
const present = (p) => fs.existsSync(p);

module.exports = async function sharedNotice() {
  const missing = OPTIONAL.filter((o) => !present(o.path));
  if (missing.length === 0) return;
  const suites = [...new Set(missing.flatMap((o) => o.suites))];
  process.stdout.write(`\nsigma-convert tests: ${missing.map((o) => o.label).join(', ')} not found under ${SHARED}: skipping ${suites.join(', ')}\n`);
};
module.exports.OPTIONAL = OPTIONAL;
module.exports.SHARED = SHARED;
