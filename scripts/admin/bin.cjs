#!/usr/bin/env node
// The `lockbox-admin` bin: runs the TypeScript CLI through tsx, as `npm run admin` does.
require('tsx/cjs');
require('./main.ts');
