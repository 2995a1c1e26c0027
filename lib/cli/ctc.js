#!/usr/bin/env node
// `ctc` launcher (package.json "bin"). Plain CommonJS so it runs on a fresh clone: the compiled CLI
// when `npm run build` has produced it, else the TypeScript sources through tsx (a devDependency).
'use strict';
/* global require, __dirname, process */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS launcher is the point of this file */
const path = require('node:path');
const fs = require('node:fs');

const root = path.resolve(__dirname, '..', '..');
const compiled = path.join(root, 'dist', 'lib', 'cli', 'main.js');
const source = path.join(root, 'lib', 'cli', 'main.ts');
const useCompiled = fs.existsSync(compiled) && fs.statSync(compiled).mtimeMs >= fs.statSync(source).mtimeMs;
if (!useCompiled) require('tsx/cjs');
const { runCli } = require(useCompiled ? compiled : source);
runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`ctc: ${error && error.message ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
