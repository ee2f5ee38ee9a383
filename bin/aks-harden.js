#!/usr/bin/env node
// The version guard runs before anything else is loaded: on an older Node the bundle's first
// import would fail with a stack trace that says nothing about the real cause.
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
	process.stderr.write(
		`aks-harden: needs Node.js 22 or later, found ${process.versions.node}; install Node 22 LTS (nodejs.org, or \`nvm install 22\`, or \`winget install OpenJS.NodeJS.LTS\` on Windows) and run it again\n`,
	);
	process.exit(2);
}
const {default: module} = await import('node:module');
// Cache compiled code on disk (Node 22.1+): later launches skip most of the parse work.
module.enableCompileCache?.();
const {main} = await import('../build/cli.js');
await main(process.argv.slice(2));
