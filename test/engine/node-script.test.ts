import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {buildNodeScript, frameNodeOutput, newMarker, readNodeScript, splitNodeOutput, type ProbeFrame} from '../../src/engine/node-script.js';

const marker = 'f00dfeed12345678';

/** Snippets that try to break the framing: marker-like text, stderr, stdin readers, quotes, no newline. */
const tricky = [
	{name: 'plain', script: 'echo hello'},
	{name: 'lookalike', script: "printf '__AKH_0000000000000000_END plain 0\\nBEGIN END __AKH_SECTION__\\n'"},
	{name: 'stderr', script: 'echo out; ls /nonexistent-akh-path; echo "sshd: command not found" >&2; exit 3'},
	{name: 'stdin-reader', script: 'cat; echo read-done'},
	{name: 'quotes', script: `echo 'single' "double" \`echo backtick\` $((1 + 2))`},
	{name: 'no-newline', script: "printf 'no newline at end'"},
	{name: 'exits', script: 'exit 0; echo never'},
	{name: 'last', script: 'echo last'},
];

function frame(frames: Map<string, ProbeFrame>, name: string): {output: string; stderr: string; exitCode: number} {
	const found = frames.get(name);
	assert.ok(found && !('error' in found), `${name}: ${found && 'error' in found ? found.error : 'missing'}`);
	return found;
}

for (const shell of [['sh', '-s'], ['bash', '--posix', '-s']] as const) {
	const available = existsSync(`/bin/${shell[0]}`) || existsSync(`/usr/bin/${shell[0]}`);
	test(`the script runs under ${shell.join(' ')} and every probe comes back in its own frame`, {skip: !available && `${shell[0]} not installed`}, () => {
		const script = buildNodeScript(tricky, marker);
		const stdout = execFileSync(shell[0], shell.slice(1), {input: script, encoding: 'utf8'});
		const frames = splitNodeOutput(stdout, marker, tricky.map((probe) => probe.name));
		assert.deepEqual(frame(frames, 'plain'), {output: 'hello\n', stderr: '', exitCode: 0});
		assert.equal(frame(frames, 'lookalike').output, '__AKH_0000000000000000_END plain 0\nBEGIN END __AKH_SECTION__\n');
		const stderr = frame(frames, 'stderr');
		assert.equal(stderr.output, 'out\n');
		assert.match(stderr.stderr, /nonexistent-akh-path/);
		assert.match(stderr.stderr, /sshd: command not found\n$/);
		assert.equal(stderr.exitCode, 3);
		// The script arrives on stdin: a probe that reads stdin gets nothing and the script goes on.
		assert.deepEqual(frame(frames, 'stdin-reader'), {output: 'read-done\n', stderr: '', exitCode: 0});
		assert.equal(frame(frames, 'quotes').output, 'single double backtick 3\n');
		assert.equal(frame(frames, 'no-newline').output, 'no newline at end');
		assert.deepEqual(frame(frames, 'exits'), {output: '', stderr: '', exitCode: 0});
		assert.equal(frame(frames, 'last').output, 'last\n');
	});
}

test('a probe that runs too long is stopped and reports exit 124; the next probe still runs', {skip: !existsSync('/usr/bin/timeout') && 'no timeout(1)'}, () => {
	const probes = [{name: 'slow', script: 'sleep 30; echo woke'}, {name: 'after', script: 'echo after'}];
	const stdout = execFileSync('sh', ['-s'], {input: buildNodeScript(probes, marker, {probeTimeoutSeconds: 1}), encoding: 'utf8'});
	const frames = splitNodeOutput(stdout, marker, ['slow', 'after']);
	assert.deepEqual(frame(frames, 'slow'), {output: '', stderr: '', exitCode: 124});
	assert.equal(frame(frames, 'after').output, 'after\n');
});

test('output cut mid-way (node hung): probes before the cut keep their output, the rest are errors', () => {
	const probes = tricky.slice(0, 4);
	const stdout = execFileSync('sh', ['-s'], {input: buildNodeScript(probes, marker), encoding: 'utf8'});
	const cut = stdout.slice(0, stdout.indexOf(`__AKH_${marker}_STDERR stderr`) - 1);
	const frames = splitNodeOutput(cut, marker, probes.map((probe) => probe.name));
	assert.equal(frame(frames, 'plain').output, 'hello\n');
	assert.equal(frame(frames, 'lookalike').exitCode, 0);
	assert.deepEqual(frames.get('stderr'), {error: 'no output (node hung or script cut)'});
	assert.deepEqual(frames.get('stdin-reader'), {error: 'no output (node hung or script cut)'});
	// Cut inside the stderr section, or just before the exit status arrives.
	const inEnd = stdout.slice(0, stdout.indexOf(`__AKH_${marker}_END plain`) + `__AKH_${marker}_END plain`.length);
	assert.deepEqual(splitNodeOutput(inEnd, marker, ['plain']).get('plain'), {error: 'no output (node hung or script cut)'});
	assert.deepEqual(splitNodeOutput('', marker, ['plain']).get('plain'), {error: 'no output (node hung or script cut)'});
});

test('frames of another run (another marker) are not ours', () => {
	const stdout = execFileSync('sh', ['-s'], {input: buildNodeScript([{name: 'plain', script: 'echo hi'}], '0123456789abcdef'), encoding: 'utf8'});
	assert.deepEqual(splitNodeOutput(stdout, marker, ['plain']).get('plain'), {error: 'no output (node hung or script cut)'});
});

test('a probe whose output holds the marker text of a shorter probe name is still split right', () => {
	const probes = [{name: 'sysctl', script: 'echo a'}, {name: 'sysctl-extra', script: 'echo b'}];
	const stdout = execFileSync('sh', ['-s'], {input: buildNodeScript(probes, marker), encoding: 'utf8'});
	const frames = splitNodeOutput(stdout, marker, ['sysctl-extra', 'sysctl']);
	assert.equal(frame(frames, 'sysctl').output, 'a\n');
	assert.equal(frame(frames, 'sysctl-extra').output, 'b\n');
});

test('the script holds only probe names and snippets: no node name, address or user', () => {
	const script = buildNodeScript([{name: 'sshd', script: 'sshd -T 2>&1'}], marker);
	assert.doesNotMatch(script, /moc-|10\.0\.0\.|clouduser/);
	assert.match(script, /^akh_run sshd 'sshd -T 2>&1'$/m);
	assert.throws(() => buildNodeScript([{name: 'bad name; rm -rf /', script: 'true'}], marker), /not a plain name/);
	assert.throws(() => buildNodeScript([], 'short'), /marker/);
	assert.throws(() => splitNodeOutput('', 'has space!', []), /marker/);
});

test('markers are fresh per run', () => {
	const a = newMarker();
	assert.match(a, /^[0-9a-f]{16}$/);
	assert.notEqual(a, newMarker());
});

test('a replayed node reads the script it is given and answers in frames the splitter accepts', () => {
	const script = buildNodeScript([{name: 'sshd', script: 'sshd -T'}, {name: 'sysctl', script: "sysctl -a | grep 'x'"}], 'feedc0de12345678');
	const asked = readNodeScript(script);
	assert.deepEqual(asked, {marker: 'feedc0de12345678', probes: ['sshd', 'sysctl']});
	const stdout = frameNodeOutput(asked!.marker, [{name: 'sshd', output: 'port 22\npermitrootlogin no', stderr: 'warn', exitCode: 0}]);
	const frames = splitNodeOutput(stdout, asked!.marker, asked!.probes);
	assert.deepEqual(frames.get('sshd'), {output: 'port 22\npermitrootlogin no', stderr: 'warn', exitCode: 0});
	assert.ok('error' in frames.get('sysctl')!, 'a probe with no frame is an error, not empty output');
	assert.equal(readNodeScript('echo hello'), undefined);
});
