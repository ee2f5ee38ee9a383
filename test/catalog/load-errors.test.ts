import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, mkdirSync, writeFileSync, copyFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {loadCatalog, packageRoot} from '../../src/catalog/load.js';
import {UsageError} from '../../src/model/errors.js';

function catalogWith(file: string, text: string): string {
	const root = mkdtempSync(join(tmpdir(), 'akh-catalog-'));
	mkdirSync(join(root, 'checks', 'isolation'), {recursive: true});
	copyFileSync(join(packageRoot, 'checks', 'platform-exceptions.yaml'), join(root, 'checks', 'platform-exceptions.yaml'));
	writeFileSync(join(root, 'checks', 'isolation', file), text);
	return root;
}

const valid = `id: isolation.example
section: isolation
title: Example
severity: high
scope: container
rationale: because
assert: "true"
message: m
remediation: r
`;

test('the shipped catalogue loads', () => {
	const catalog = loadCatalog();
	assert.ok(catalog.checks.length > 0);
});

test('a wrong field value names file, line and field', () => {
	const root = catalogWith('isolation.example.yaml', valid.replace('severity: high', 'severity: urgent'));
	assert.throws(() => loadCatalog(root), (error: unknown) => {
		assert.ok(error instanceof UsageError);
		assert.match(error.message, /^checks\/isolation\/isolation\.example\.yaml:4: severity: /);
		return true;
	});
});

test('an unknown field is refused with its line', () => {
	const root = catalogWith('isolation.example.yaml', `${valid}serverity: high\n`);
	assert.throws(() => loadCatalog(root), /isolation\.example\.yaml:\d+: .*serverity/);
});

test('a CEL syntax error names the assert line', () => {
	const root = catalogWith('isolation.example.yaml', valid.replace('assert: "true"', 'assert: "container.(("'));
	assert.throws(() => loadCatalog(root), /isolation\.example\.yaml:7: assert: CEL/);
});

test('broken YAML names its line', () => {
	const root = catalogWith('isolation.example.yaml', `${valid}  bad: [unclosed\n`);
	assert.throws(() => loadCatalog(root), /isolation\.example\.yaml:\d+: /);
});

test('a check whose id does not match its file is refused', () => {
	const root = catalogWith('isolation.other.yaml', valid);
	assert.throws(() => loadCatalog(root), /must live at checks\/isolation\/isolation\.example\.yaml/);
});

test('warnWhen needs its message, and its CEL is checked at load', () => {
	const noMessage = catalogWith('isolation.example.yaml', `${valid}warnWhen: "true"\n`);
	assert.throws(() => loadCatalog(noMessage), (error: unknown) => {
		assert.ok(error instanceof UsageError);
		assert.match(error.message, /isolation\.example\.yaml:\d+: warnMessage: warnWhen needs the message to show/);
		return true;
	});
	const badCel = catalogWith('isolation.example.yaml', `${valid}warnWhen: "a.(("\nwarnMessage: w\n`);
	assert.throws(() => loadCatalog(badCel), /isolation\.example\.yaml:\d+: warnWhen: /);
});
