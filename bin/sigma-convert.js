#!/usr/bin/env node
'use strict';
// A reader that stops early (`sigma-convert ... | head`) closes the pipe: the CLI ends quietly then
// (src/cli/io.ts). Nothing here touches process.stdout: creating that stream costs a one-rule run time.
// `npm run build` bundles the CLI into one script, with a V8 code cache of it (faster start:
// src/cli/code-cache.ts); the per-module build is the fallback.
const path = require('path');
const dist = path.join(__dirname, '..', 'dist', 'src', 'cli');
function load() {
  if (process.env.SIGMA_CONVERT_NO_BUNDLE !== '1') {
    try {
      return require(path.join(dist, 'code-cache.js')).loadWithCodeCache(path.join(dist, 'bundle.js')).exports;
    } catch (err) {
      const missing = (err.code === 'MODULE_NOT_FOUND' || err.code === 'ENOENT') && /(bundle|code-cache)\.js/.test(String(err.message));
      if (!missing) throw err;
    }
  }
  return require(path.join(dist, 'main.js'));
}
load()
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
