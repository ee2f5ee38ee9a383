import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parsePackages, type PackagesFacts} from '../../src/probes/packages.js';
import {marinerPackagesExtra} from '../../src/probes/fixtures/mariner-host.js';

test('rpm -qa names', () => {
	const parsed = parsePackages(marinerPackagesExtra);
	assert.ok('facts' in parsed);
	const packages = parsed.facts as PackagesFacts;
	assert.equal(packages.manager, 'rpm');
	for (const name of ['cups', 'telnet-server', 'kubelet', 'openssh-server']) assert.ok(packages.installed.includes(name), name);
});

test('recorded dpkg-query on Debian: only fully installed packages, architecture stripped', () => {
	const parsed = parsePackages('__AKH_SECTION__ dpkg\nii  adduser\nii  libc6:amd64\nrc  cups\nun  telnet\nii  openssh-server\n');
	assert.deepEqual(parsed, {facts: {manager: 'dpkg', installed: ['adduser', 'libc6', 'openssh-server']}});
});

test('errors: no package manager, an empty database', () => {
	assert.deepEqual(parsePackages('__AKH_MISSING__ rpm\n__AKH_MISSING__ dpkg-query\n'), {error: 'command not found: rpm and dpkg-query'});
	assert.deepEqual(parsePackages('__AKH_SECTION__ rpm\nerror: cannot open Packages database in /var/lib/rpm\n'), {
		error: 'rpm listed no packages: error: cannot open Packages database in /var/lib/rpm',
	});
});
