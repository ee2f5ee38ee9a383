import {fileURLToPath} from 'node:url';

/** The package folder: checks/, playbooks/ and data/ ship beside build/ and src/. */
export const packageRoot = fileURLToPath(new URL('../', import.meta.url));
