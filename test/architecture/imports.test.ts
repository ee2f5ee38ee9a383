// The layering rules, checked on the source tree itself: every import, re-export and dynamic
// import() of every file under src/ui and src/fix, as esbuild's parser reads them (not a grep that
// a comment or a string could fool). Type-only imports count too: they are turned into plain
// ones first, and module syntax is kept verbatim, so esbuild drops none of them. The UI gets storage, sessions and connections handed in;
// fixes reach nodes through the NodeShell interface and the cluster through the client-node
// writer in src/transports, never a client of their own.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(path);
		return /\.(ts|tsx)$/.test(entry.name) ? [path] : [];
	});
}

/** Every module each source imports: static, type-only, re-exports and import() calls. */
async function importsOf(files: ReadonlyArray<{path: string; text: string}>): Promise<Map<string, string[]>> {
	const found = new Map<string, string[]>(files.map(({path}) => [path, []]));
	const texts = new Map(files.map(({path, text}) => [path, text]));
	await build({
		entryPoints: files.map(({path}) => path),
		bundle: true,
		write: false,
		format: 'esm',
		platform: 'node',
		outdir: '/nonexistent',
		logLevel: 'silent',
		tsconfigRaw: {compilerOptions: {verbatimModuleSyntax: true}},
		plugins: [
			{
				name: 'record-imports',
				setup(plugin) {
					plugin.onResolve({filter: /.*/}, (args) => {
						if (args.kind === 'entry-point') return {path: args.path};
						found.get(args.importer)?.push(args.path);
						return {path: args.path, external: true};
					});
					plugin.onLoad({filter: /\.tsx?$/}, (args) => {
						const text = texts.get(args.path) ?? readFileSync(args.path, 'utf8');
						// `import type` / `export type ... from` would vanish in the parse: make them plain.
						const contents = text.replace(/\bimport\s+type\s+(?=[{*]|\w+\s+from\b)/g, 'import ').replace(/\bexport\s+type\s+(?=[{*])/g, 'export ');
						return {contents, loader: args.path.endsWith('x') ? 'tsx' : 'ts'};
					});
				},
			},
		],
	});
	return found;
}

type Rule = {readonly why: string; readonly forbids: (specifier: string, from: string) => boolean};

const nodeFs = (specifier: string) => /^(node:)?fs(\/promises)?$/.test(specifier);
const networkClient = (specifier: string) => /^(node:)?(https?|http2|tls|net|undici)$/.test(specifier) || specifier === 'undici';

const rules: ReadonlyArray<{readonly under: string; readonly rules: readonly Rule[]}> = [
	{
		under: 'src/ui',
		rules: [
			{why: 'the UI does no file I/O: storage is passed in', forbids: nodeFs},
			{why: 'the UI opens no SSH connection', forbids: (specifier) => specifier === 'ssh2'},
			{why: 'the UI opens no Kubernetes connection', forbids: (specifier) => specifier.startsWith('@kubernetes/client-node')},
		],
	},
	{
		under: 'src/fix',
		rules: [
			{why: 'fixes take a NodeShell (transports/interfaces.ts), not the ssh2 adapter', forbids: (specifier, from) => specifier.startsWith('.') && resolve(dirname(from), specifier) === resolve(root, 'src/transports/ssh.js')},
			{why: 'no second HTTPS client in fixes: they write through transports/kubernetes-writer.ts', forbids: networkClient},
		],
	},
];

async function violations(files: ReadonlyArray<{path: string; text: string}>, checks: readonly Rule[]): Promise<string[]> {
	const found: string[] = [];
	for (const [path, specifiers] of await importsOf(files)) {
		for (const specifier of specifiers) {
			for (const rule of checks) if (rule.forbids(specifier, path)) found.push(`${relative(root, path)} imports ${specifier}: ${rule.why}`);
		}
	}
	return found;
}

test('the checker sees static, type-only and dynamic imports, and a violation fails it', async () => {
	const fake = join(root, 'src/fix/host/fake.ts');
	const text = [
		"import type {NodeShell} from '../../transports/ssh.js';",
		"const {request} = await import('node:https');",
		"export * from 'node:fs/promises';",
		'// import ssh2 from "ssh2" is only a comment',
	].join('\n');
	const fixRules = rules.find((entry) => entry.under === 'src/fix')!.rules;
	assert.deepEqual(await violations([{path: fake, text}], fixRules), [
		'src/fix/host/fake.ts imports ../../transports/ssh.js: fixes take a NodeShell (transports/interfaces.ts), not the ssh2 adapter',
		'src/fix/host/fake.ts imports node:https: no second HTTPS client in fixes: they write through transports/kubernetes-writer.ts',
	]);
	const uiRules = rules.find((entry) => entry.under === 'src/ui')!.rules;
	assert.deepEqual(await violations([{path: join(root, 'src/ui/x.ts'), text}], uiRules), ['src/ui/x.ts imports node:fs/promises: the UI does no file I/O: storage is passed in']);
});

for (const {under, rules: checks} of rules) {
	test(`no file under ${under} breaks its import rules`, async () => {
		const files = sourceFiles(join(root, under)).map((path) => ({path, text: readFileSync(path, 'utf8')}));
		assert.ok(files.length > 10, `found the sources under ${under}`);
		const imports = await importsOf(files);
		assert.ok([...imports.values()].flat().length > files.length, 'the imports were read');
		assert.deepEqual(await violations(files, checks), []);
	});
}
