import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parseSysctl, sysctlKeys, sysctlProbe} from '../../src/probes/sysctl.js';
import {marinerSysctlClean} from '../../src/probes/fixtures/mariner-host.js';

test('key = value lines become a map of integers', () => {
	const parsed = parseSysctl(marinerSysctlClean);
	assert.ok('facts' in parsed);
	const facts = parsed.facts as Record<string, unknown>;
	assert.equal(facts['kernel.randomize_va_space'], 2);
	assert.equal(facts['net.ipv4.ip_forward'], 1);
	assert.equal(Object.keys(facts).length, sysctlKeys.length);
});

test('recorded on Debian without br_netfilter: the bridge key is simply absent', () => {
	const parsed = parseSysctl('/proc/sys/net/ipv4/tcp_syncookies:1\n/proc/sys/net/ipv4/ip_local_port_range:32768\t60999\n/proc/sys/net/ipv4/ip_forward:0\n');
	assert.deepEqual(parsed, {facts: {'net.ipv4.tcp_syncookies': 1, 'net.ipv4.ip_local_port_range': '32768 60999', 'net.ipv4.ip_forward': 0}});
});

test('sysctl(8) output is read the same way', () => {
	assert.deepEqual(parseSysctl('net.ipv4.tcp_syncookies = 1\nkernel.randomize_va_space = 2\n'), {facts: {'net.ipv4.tcp_syncookies': 1, 'kernel.randomize_va_space': 2}});
});

test('nothing readable is an error', () => {
	assert.deepEqual(parseSysctl(''), {error: 'none of the sysctl keys could be read from /proc/sys'});
});

test('the probe reads /proc/sys without root', () => {
	assert.equal(sysctlProbe.needsSudo, false);
	assert.match(sysctlProbe.script, /\/proc\/sys/);
});
