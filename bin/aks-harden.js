#!/usr/bin/env node
import {main} from '../build/cli.js';
await main(process.argv.slice(2));
