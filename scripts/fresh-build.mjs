// `npm start` reuses the build when nothing it is made from changed since (a full build costs
// seconds before the first screen). `--mark` records a finished build; without it, build if stale.
import {spawnSync} from 'node:child_process';
import {existsSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

const stamp = join('build', '.built');
const inputs = ['src', 'checks', 'playbooks', 'data', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json'];

function newest(path) {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let latest = stat.mtimeMs;
	for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
	return latest;
}

if (process.argv.includes('--mark')) {
	writeFileSync(stamp, `${new Date().toISOString()}\n`);
} else if (!existsSync(stamp) || Math.max(...inputs.map(newest)) > statSync(stamp).mtimeMs) {
	const result = spawnSync('npm', ['run', '--silent', 'build'], {stdio: 'inherit', shell: process.platform === 'win32'});
	process.exit(result.status ?? 1);
}
