#!/usr/bin/env node
'use strict';
// A reader that stops early (`sigma-convert ... | head`) closes the pipe: end quietly, as other tools do,
// instead of printing an EPIPE stack trace.
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
require('../dist/src/cli/main.js')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
