// Build step: parse every CEL expression of the shipped catalogue once and store the result
// beside the build, so start-up skips the parser (see engine/cel.ts).
import {writeFileSync} from 'node:fs';
import {celCacheFile, compiledExpressions, serializeExpression} from '../engine/cel.js';
import {loadCatalog} from './load.js';

loadCatalog();
const cache: Record<string, string> = {};
for (const expression of [...compiledExpressions].sort()) cache[expression] = serializeExpression(expression);
writeFileSync(celCacheFile, JSON.stringify(cache));
