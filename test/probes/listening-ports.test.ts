import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parseListeningPorts, type ListeningPortsFacts} from '../../src/probes/listening-ports.js';
import {marinerPortsExtra} from '../../src/probes/fixtures/mariner-host.js';

function facts(output: string): ListeningPortsFacts {
	const parsed = parseListeningPorts(output);
	assert.ok('facts' in parsed, 'error' in parsed ? parsed.error : '');
	return parsed.facts as ListeningPortsFacts;
}

test('ss -Htlnup rows: addresses, ports, owners, loopback', () => {
	const ports = facts(marinerPortsExtra).ports;
	const find = (proto: string, port: number, address?: string) => ports.find((p) => p.proto === proto && p.port === port && (address === undefined || p.address === address));
	assert.deepEqual(find('tcp', 631), {proto: 'tcp', address: '0.0.0.0', port: 631, process: 'cupsd', loopback: false});
	assert.deepEqual(find('tcp', 22, '::'), {proto: 'tcp', address: '::', port: 22, process: 'sshd', loopback: false});
	assert.deepEqual(find('tcp', 10250), {proto: 'tcp', address: '*', port: 10250, process: 'kubelet', loopback: false});
	assert.deepEqual(find('udp', 323, '::1'), {proto: 'udp', address: '::1', port: 323, process: 'chronyd', loopback: true});
	assert.deepEqual(find('udp', 68), {proto: 'udp', address: '0.0.0.0%eth0', port: 68, process: 'systemd-network', loopback: false});
	assert.equal(find('udp', 4789)?.process, '', 'kernel sockets have no owner');
	assert.equal(find('tcp', 10248)?.loopback, true);
});

test('recorded ss output from a Debian host (dual-stack * and no owner without root)', () => {
	const ports = facts('__AKH_SECTION__ ss\nudp UNCONN 0      0              *:5353       *:* users:(("python3",pid=23261,fd=4))\ntcp LISTEN 0      128      0.0.0.0:2024  0.0.0.0:*\n').ports;
	assert.deepEqual(ports, [
		{proto: 'tcp', address: '0.0.0.0', port: 2024, process: '', loopback: false},
		{proto: 'udp', address: '*', port: 5353, process: 'python3', loopback: false},
	]);
});

test('/proc/net fallback: hex addresses, LISTEN for TCP, bound for UDP', () => {
	const parsed = facts(`__AKH_SECTION__ proc tcp
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41051 1 00000000ee22c638 100 0 0 10 0
   1: 0400000A:0016 0500000A:D2F0 01 00000000:00000000 02:000A6F5A 00000000     0        0 41099 4 0000000000000000 20 4 30 10 -1
__AKH_SECTION__ proc tcp6
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41053 1 000000005ba7164e 100 0 0 10 0
__AKH_SECTION__ proc udp
   0: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1234 2 0000000000000000 0
`);
	assert.equal(parsed.source, 'proc');
	assert.deepEqual(parsed.ports, [
		{proto: 'tcp', address: '::', port: 22, process: '', loopback: false},
		{proto: 'udp', address: '0.0.0.0', port: 68, process: '', loopback: false},
		{proto: 'tcp', address: '127.0.0.1', port: 8080, process: '', loopback: true},
	]);
});

test('neither ss nor /proc/net is an error', () => {
	assert.deepEqual(parseListeningPorts('__AKH_MISSING__ ss\n'), {error: 'command not found: ss, and /proc/net/tcp is unreadable'});
});
