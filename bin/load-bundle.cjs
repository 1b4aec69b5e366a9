// Loads the command line's bundle (dist/bundle/msrpscope.cjs, one CommonJS file written by scripts/bundle.mjs)
// with V8's code cache: the bytecode of every function a run compiled, saved next to it at build time
// (msrpscope.cjs.cache). With it a start neither parses the bundle nor compiles the functions a run calls
// first; node 20 has no compile cache of its own. A cache made by another node or with other V8 flags is
// rejected by V8, and the bundle is then compiled as usual: the cache only ever saves time.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const { Script } = require('node:vm');

/**
 * Calls the bundle's function (scripts/bundle.mjs: a function expression taking what node gives a CommonJS module)
 * as node would call a module's wrapper; returns the module's exports.
 */
function runBundle(fn, file) {
  const module = { exports: {} };
  fn.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}

/**
 * Runs the bundle at `file` (a path) as a CommonJS module and returns its exports, whether the code cache was
 * used, and a function that writes the cache of everything compiled so far (the build calls it after runs).
 * `debug`: the bundle is required instead, without the cache, so that node maps its stack frames to src/ through
 * its source map (required, it sets module.exports to its function).
 */
function loadBundle(file, { cache = true, debug = false } = {}) {
  if (debug) return { exports: runBundle(require(file), file), cached: false, writeCache() {} };
  const cacheFile = `${file}.cache`;
  const source = readFileSync(file, 'utf8');
  let cachedData;
  if (cache) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  // The script's value is the bundle's function.
  const script = new Script(source, { filename: file, cachedData });
  const exports = runBundle(script.runInThisContext(), file);
  return {
    exports,
    cached: cachedData !== undefined && script.cachedDataRejected === false,
    writeCache() {
      writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
      renameSync(`${cacheFile}.tmp`, cacheFile);
    },
  };
}

module.exports = { loadBundle };
