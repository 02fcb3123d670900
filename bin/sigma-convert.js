#!/usr/bin/env node
'use strict';
// A reader that stops early (`sigma-convert ... | head`) closes the pipe: end quietly, as other tools do,
// instead of printing an EPIPE stack trace.
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
// `npm run build` bundles the CLI into one script (faster start); the per-module build is the fallback.
const path = require('path');
const dist = path.join(__dirname, '..', 'dist', 'src', 'cli');
function load() {
  if (process.env.SIGMA_CONVERT_NO_BUNDLE !== '1') {
    try {
      return require(path.join(dist, 'bundle.js'));
    } catch (err) {
      if (err.code !== 'MODULE_NOT_FOUND' || !String(err.message).includes('bundle.js')) throw err;
    }
  }
  return require(path.join(dist, 'main.js'));
}
load()
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
