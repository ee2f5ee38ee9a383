// Unit tests for the layout helpers: nothing the walkthrough prints may wrap on its own.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {hardWrap, padEnd, truncate, windowFor, wrap} from '../../src/ui/text.js';
import {evidenceLines} from '../../src/ui/evidence-lines.js';
import {finding, sampleChecks} from './fixtures.js';

test('truncate cuts with an ellipsis and never exceeds the width', () => {
	assert.equal(truncate('Secure communication with certificates', 10), 'Secure co…');
	assert.equal(truncate('short', 10), 'short');
	assert.equal(truncate('anything', 0), '');
	assert.equal(padEnd('ab', 4), 'ab  ');
	assert.equal(padEnd('abcdef', 4), 'abc…');
});

test('wrap breaks on words, keeps paragraphs and indentation, and cuts words longer than a line', () => {
	assert.deepEqual(wrap('one two three four', 9), ['one two', 'three', 'four']);
	assert.deepEqual(wrap('a\n\nb', 10), ['a', '', 'b']);
	assert.deepEqual(wrap('  indented text here', 12), ['  indented', '  text here']);
	assert.deepEqual(wrap('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
	for (const line of wrap('x'.repeat(50) + ' tail', 7)) assert.ok(line.length <= 7, line);
});

test('hardWrap keeps spacing and indents continuation rows', () => {
	assert.deepEqual(hardWrap('tcp   LISTEN 0  128', 10), ['tcp   LIST', '    EN 0  ', '    128']);
	assert.deepEqual(hardWrap('short', 10), ['short']);
});

test('windowFor keeps the cursor visible and the window full', () => {
	assert.deepEqual(windowFor(3, 2, 10), {start: 0, end: 3});
	assert.deepEqual(windowFor(100, 0, 10), {start: 0, end: 10});
	assert.deepEqual(windowFor(100, 50, 10), {start: 45, end: 55});
	assert.deepEqual(windowFor(100, 99, 10), {start: 90, end: 100});
});

test('evidence reads as object paths and values, commands, and YAML for nested values', () => {
	const sshd = sampleChecks.find((check) => check.id === 'host.sshd-config')!;
	const lines = evidenceLines(
		finding(sshd, 'fail', {node: 'n1'}, {
			evidence: {commands: {sshd: 'sudo sshd -T'}, 'sshd.permitrootlogin': 'yes', output: 'permitrootlogin yes\nport 22\n', violations: ['a', 'b']},
			location: {file: 'deploy.yaml', line: 12},
		}),
	);
	assert.deepEqual(lines, [
		'$ sudo sshd -T',
		'  (probe sshd)',
		'sshd.permitrootlogin: yes',
		'output:',
		'  permitrootlogin yes',
		'  port 22',
		'violations:',
		'  - a',
		'  - b',
		'source: deploy.yaml:12',
	]);
	assert.deepEqual(evidenceLines(finding(sshd, 'pass', {node: 'n1'})), ['(no evidence recorded)']);
});
