#!/usr/bin/env node
import module from 'node:module';
// Cache compiled code on disk (Node 22.1+): later launches skip most of the parse work.
module.enableCompileCache?.();
const {main} = await import('../build/cli.js');
await main(process.argv.slice(2));
