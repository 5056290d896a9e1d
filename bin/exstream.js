#!/usr/bin/env node
'use strict';
// The `exstream` command: see `exstream --help` (source in ts/cli/, compiled to js/cli/).
let cli;
try {
  cli = require('../js/cli/main.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && /js[\\/]cli[\\/]main/.test(String(err.message))) {
    process.stderr.write("exstream: the library is not built yet; run 'npm run build' first\n");
    process.exit(1);
  }
  throw err;
}
cli.main(process.argv);
