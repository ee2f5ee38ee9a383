import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parse} from 'yaml';
import {captureBaseline} from '../../src/probes/baseline-capture.js';
import {loadBaselines, unitMatches} from '../../src/probes/baselines.js';
import {parseServices, type ServicesFacts} from '../../src/probes/services.js';
import {marinerServicesClean} from '../../src/probes/fixtures/mariner-host.js';

const services = (parseServices(marinerServicesClean) as {facts: ServicesFacts}).facts;

test('a capture lists every enabled or running unit, template instances folded', () => {
	const text = captureBaseline(services, 'cbl-mariner-2', {node: 'moc-lm84tkzv0pa', capturedAt: '2025-06-10T12:00:00Z', title: 'CBL-Mariner 2.0'});
	const doc = parse(text) as {image: string; units: string[]; capturedFrom: string; capturedAt: string; title: string};
	assert.equal(doc.image, 'cbl-mariner-2');
	assert.equal(doc.capturedFrom, 'moc-lm84tkzv0pa');
	assert.equal(doc.capturedAt, '2025-06-10T12:00:00Z');
	assert.ok(doc.units.includes('getty@*'));
	assert.ok(!doc.units.includes('getty@.service'));
	assert.ok(!doc.units.includes('getty@tty1.service'));
	assert.ok(doc.units.includes('systemd-journald.service'), 'running-only units are captured too');
	assert.deepEqual(doc.units, [...doc.units].sort());
	for (const unit of [...services.enabled, ...(services.running ?? [])]) assert.ok(unitMatches(unit, doc.units), unit);
	assert.match(text, /^# Service baseline for cbl-mariner-2/);
});

test('the capture reads back through the loader the checks use', () => {
	const dir = mkdtempSync(join(tmpdir(), 'akh-baseline-'));
	try {
		writeFileSync(join(dir, 'debian-12.yaml'), captureBaseline({enabled: ['ssh.service', 'cron.service'], running: null, systemdRunning: false}, 'debian-12'));
		const loaded = loadBaselines([dir]);
		assert.deepEqual(loaded.get('debian-12')?.units, ['cron.service', 'ssh.service']);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('without systemd running the file says only enabled units were recorded', () => {
	assert.match(captureBaseline({enabled: ['ssh.service'], running: null, systemdRunning: false}, 'debian-12'), /only enabled units were recorded/);
	assert.throws(() => captureBaseline({enabled: [], running: [], systemdRunning: true}, 'debian-12'), /units/);
	assert.throws(() => captureBaseline(services, 'Not An Id'), /image/);
});
