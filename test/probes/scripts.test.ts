// The real probe snippets, run in a real shell on this machine (Debian, no containerd, no
// kubelet): every probe must come back framed, with facts or a reason — never a shell error
// that takes the rest of the script down.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {buildNodeScript, splitNodeOutput} from '../../src/engine/node-script.js';
import {probes} from '../../src/probes/index.js';
import {probeResult} from '../../src/probes/result.js';

const all = [...probes.values()];
const marker = 'a1b2c3d4e5f60718';

test('every probe snippet is valid POSIX sh', () => {
	for (const probe of all) execFileSync('sh', ['-n'], {input: probe.script});
	execFileSync('sh', ['-n'], {input: buildNodeScript(all, marker)});
});

for (const shell of [['sh', '-s'], ['bash', '--posix', '-s']] as const) {
	const available = existsSync(`/bin/${shell[0]}`) || existsSync(`/usr/bin/${shell[0]}`);
	test(`all probes under ${shell.join(' ')}: every frame closes and every result is facts or a reason`, {skip: (process.platform !== 'linux' || !available) && 'needs a Linux shell'}, () => {
		const stdout = execFileSync(shell[0], shell.slice(1), {input: buildNodeScript(all, marker), encoding: 'utf8', maxBuffer: 64 << 20});
		const frames = splitNodeOutput(stdout, marker, all.map((probe) => probe.name));
		for (const probe of all) {
			const frame = frames.get(probe.name)!;
			assert.ok(!('error' in frame), `${probe.name}: ${'error' in frame ? frame.error : ''}`);
			assert.notEqual(frame.exitCode, 124, `${probe.name} timed out`);
			assert.doesNotMatch(frame.stderr, /syntax error|unexpected|not found.*akh/i, `${probe.name}: ${frame.stderr}`);
			const result = probeResult(probe, frame);
			assert.ok(result.facts !== undefined || (typeof result.error === 'string' && result.error.length > 0), probe.name);
		}
		// Present everywhere these tests run: the parsers must read the real output.
		for (const name of ['sysctl', 'file-modes']) assert.equal(probeResult(probes.get(name)!, frames.get(name) as never).error, undefined, name);
	});
}
