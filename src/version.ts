import {readFileSync} from 'node:fs';
import {join} from 'node:path';
// Kept free of the catalogue's imports: every command, and the walkthrough's first frame, loads it.
import {packageRoot} from './package-root.js';

export const version: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {version: string}).version;
