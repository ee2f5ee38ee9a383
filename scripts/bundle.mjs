// Bundles the CLI into build/ (ESM, split at dynamic imports). Node resolves a few large files much
// faster than the thousands a node_modules tree holds: the walkthrough's first frame drops from
// ~650 ms to ~200 ms of loading on these machines. Type checking is tsc's job (npm run typecheck).
import {build} from 'esbuild';
import {existsSync, readdirSync, rmSync, statSync} from 'node:fs';
import {join} from 'node:path';

// Chunks are content-hashed, so a new build never overwrites one a running process still needs;
// only chunks left over from builds more than a day old are removed.
if (existsSync('build')) {
	const stale = Date.now() - 24 * 3600 * 1000;
	for (const name of readdirSync('build')) {
		const path = join('build', name);
		if (/-[A-Z0-9]{8}\.js(\.map)?$/.test(name) && statSync(path).mtimeMs < stale) rmSync(path);
	}
}
await build({
	entryPoints: {cli: 'src/cli.tsx', precompile: 'src/catalog/precompile.ts'},
	outdir: 'build',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node22',
	jsx: 'automatic',
	sourcemap: 'linked',
	logLevel: 'warning',
	// Native addons and the Kubernetes client (loaded only when a cluster is used) stay as packages;
	// write-file-atomic names its temp files from __filename, which a bundled ESM chunk lacks.
	external: ['ssh2', 'cpu-features', '@kubernetes/client-node', 'write-file-atomic'],
	// React's development build checks every render and roughly doubles the time a key press takes
	// to reach the screen; the shipped tool is the production build (tests run the sources).
	define: {'process.env.NODE_ENV': '"production"'},
	// Ink imports its devtools bridge only when DEV=true; the bridge is not shipped.
	alias: {'react-devtools-core': './scripts/no-devtools.mjs'},
	// Bundled CommonJS packages still call require() for Node's built-ins.
	banner: {js: "import {createRequire as __akhRequire} from 'node:module'; const require = __akhRequire(import.meta.url);"},
});
