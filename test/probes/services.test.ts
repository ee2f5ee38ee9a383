import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parseServices, type ServicesFacts} from '../../src/probes/services.js';
import {createServiceBaselineProbe, serviceBaselineProbe, type ServiceBaselineFacts} from '../../src/probes/service-baseline.js';
import {imageId, loadBaselines, parseOsRelease, unitMatches, unitPattern} from '../../src/probes/baselines.js';
import {deniedEntry, loadDenylist} from '../../src/probes/unit-denylist.js';
import {azureLinux3OsRelease, debian12OsRelease, marinerOsRelease, marinerServicesClean, marinerServicesExtra} from '../../src/probes/fixtures/mariner-host.js';

function facts(output: string): ServicesFacts {
	const parsed = parseServices(output);
	assert.ok('facts' in parsed, 'error' in parsed ? parsed.error : '');
	return parsed.facts as ServicesFacts;
}

test('enabled unit files and running services of a Mariner node', () => {
	const services = facts(marinerServicesClean);
	assert.ok(services.enabled.includes('kubelet.service'));
	assert.ok(services.enabled.includes('systemd-networkd.socket'));
	assert.ok(services.running?.includes('getty@tty1.service'));
	assert.equal(services.systemdRunning, true);
	assert.ok(facts(marinerServicesExtra).enabled.includes('telnet.socket'));
});

test('recorded on a host without systemd as PID 1: enabled only, running null', () => {
	const services = facts(`__AKH_SECTION__ enabled
e2scrub_reap.service      enabled enabled
getty@.service            enabled enabled
ssh.service               enabled enabled
systemd-pstore.service    enabled enabled
__AKH_SECTION__ not-running
`);
	assert.deepEqual(services.enabled, ['e2scrub_reap.service', 'getty@.service', 'ssh.service', 'systemd-pstore.service']);
	assert.equal(services.running, null);
	assert.equal(services.systemdRunning, false);
	assert.match(services.note ?? '', /systemd is not running/);
});

test('a failed unit bullet and an old two-column listing', () => {
	const services = facts('__AKH_SECTION__ enabled\nsshd.service enabled\n__AKH_SECTION__ running\n● cups.service loaded active running CUPS Scheduler\nsshd.service loaded active running OpenSSH\n');
	assert.deepEqual(services.running, ['cups.service', 'sshd.service']);
});

test('errors: no systemctl, systemctl refusing', () => {
	assert.deepEqual(parseServices('__AKH_MISSING__ systemctl\n'), {error: 'command not found: systemctl'});
	assert.deepEqual(parseServices('__AKH_SECTION__ enabled\nFailed to list unit files: Access denied\n__AKH_SECTION__ not-running\n'), {
		error: 'systemctl failed: Failed to list unit files: Access denied',
	});
});

test('os-release names the image', () => {
	assert.equal(imageId(parseOsRelease(marinerOsRelease)), 'cbl-mariner-2');
	assert.equal(imageId(parseOsRelease(azureLinux3OsRelease)), 'azure-linux-3');
	assert.equal(imageId(parseOsRelease(debian12OsRelease)), 'debian-12');
	assert.equal(imageId({ID: 'ubuntu', VERSION_ID: '22.04'}), 'ubuntu-22');
});

test('unit globs: a bare name matches any unit type, a suffixed one exactly', () => {
	assert.ok(unitMatches('kubelet.service', ['kubelet']));
	assert.ok(unitMatches('systemd-networkd.socket', ['systemd-*']));
	assert.ok(unitMatches('getty@tty1.service', ['getty@*']));
	assert.ok(!unitMatches('kubelet-extra.service', ['kubelet']));
	assert.ok(!unitMatches('sshd.socket', ['sshd.service']));
	assert.ok(!unitMatches('cups.service', ['c?ps.socket']));
	assert.equal(unitPattern('sshd'), '^sshd(\\.[a-z]+)?$');
});

test('the packaged baselines load and cover a clean Mariner node', () => {
	const baselines = loadBaselines();
	assert.deepEqual([...baselines.keys()].sort(), ['azure-linux-3', 'cbl-mariner-2', 'windows-server-2022']);
	const units = baselines.get('cbl-mariner-2')!.units;
	const clean = facts(marinerServicesClean);
	for (const unit of [...clean.enabled, ...(clean.running ?? [])]) assert.ok(unitMatches(unit, units), unit);
	assert.ok(!unitMatches('cups.service', units));
});

test('service-baseline brings the denylist and the image baseline as data, or says there is none', () => {
	const parsed = serviceBaselineProbe.parse(marinerOsRelease);
	assert.ok('facts' in parsed);
	const baseline = parsed.facts as ServiceBaselineFacts;
	assert.equal(baseline.image, 'cbl-mariner-2');
	assert.equal(baseline.file, 'data/baselines/cbl-mariner-2.yaml');
	assert.equal(baseline.patterns.length, baseline.units.length);
	assert.equal(baseline.found, true);
	assert.ok(baseline.denylist.some((entry) => entry.glob === 'avahi-daemon'), 'the never-needed list comes with every image');
	// No baseline: the denylist still applies, and the check says the baseline is missing.
	const bare = serviceBaselineProbe.parse(debian12OsRelease);
	assert.ok('facts' in bare, 'an image without a baseline is judged, not an error');
	const debian = bare.facts as ServiceBaselineFacts;
	assert.equal(debian.image, 'debian-12');
	assert.equal(debian.found, false);
	assert.deepEqual(debian.patterns, []);
	assert.equal(debian.denylist.length, baseline.denylist.length);
	assert.deepEqual(serviceBaselineProbe.parse('__AKH_MISSING__ /etc/os-release\n'), {error: 'cannot identify the node image: /etc/os-release is missing'});
});

test('baselines come from a loader: an operator folder can add an image', () => {
	const probe = createServiceBaselineProbe(() => new Map([['debian-12', {image: 'debian-12', units: ['ssh.service'], file: '/etc/aks-harden/baselines/debian-12.yaml'}]]));
	const parsed = probe.parse(debian12OsRelease);
	assert.ok('facts' in parsed);
	assert.deepEqual((parsed.facts as ServiceBaselineFacts).units, ['ssh.service']);
	const broken = createServiceBaselineProbe(() => {
		throw new Error('x.yaml: units: Required');
	});
	assert.deepEqual(broken.parse(debian12OsRelease), {error: 'cannot load service baselines: x.yaml: units: Required'});
});

test('the never-needed list: sockets as well as services, templates, and systemd\'s network listeners only', () => {
	const denylist = loadDenylist();
	const denied = (unit: string) => deniedEntry(unit, denylist)?.glob;
	assert.equal(denied('avahi-daemon.service'), 'avahi-daemon');
	assert.equal(denied('avahi-daemon.socket'), 'avahi-daemon');
	assert.equal(denied('cups.socket'), 'cups');
	assert.equal(denied('telnet@0-10.0.0.4:23-10.0.0.9:51234.service'), 'telnet@*');
	assert.equal(denied('systemd-journal-gatewayd.socket'), 'systemd-journal-gatewayd');
	assert.equal(denied('systemd-journal-remote.service'), 'systemd-journal-remote');
	for (const unit of ['systemd-journald.service', 'systemd-journal-flush.service', 'sshd.service', 'kubelet.service', 'containerd.service', 'avahi-daemonx.service']) assert.equal(denied(unit), undefined, unit);
	assert.throws(() => loadDenylist('/nonexistent/never-needed.yaml'), /ENOENT/);
});
