import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parseContainerdConfig, type ContainerdFacts} from '../../src/probes/containerd-config.js';
import {containerdHostsTomlInsecure, marinerContainerdClean, marinerContainerdExposed, marinerContainerdInsecure} from '../../src/probes/fixtures/mariner-containerd.js';

function facts(output: string): ContainerdFacts {
	const parsed = parseContainerdConfig(output);
	assert.ok('facts' in parsed, 'error' in parsed ? parsed.error : '');
	return parsed.facts as ContainerdFacts;
}

test('a containerd 1.6 dump from a Mariner node: CRI settings, no registry overrides', () => {
	const config = facts(marinerContainerdClean);
	assert.equal(config.source, 'dump');
	assert.equal(config.version, 2);
	assert.deepEqual(config.cri, {disableTcpService: true, streamServerAddress: '127.0.0.1', enableUnprivilegedPorts: false, enableUnprivilegedIcmp: false});
	assert.equal(config.grpcTcpAddress, '');
	assert.equal(config.configPath, '');
	assert.deepEqual(config.registries, []);
});

test('v2 registry.mirrors endpoints and configs tls.insecure_skip_verify', () => {
	const config = facts(marinerContainerdInsecure);
	assert.deepEqual(config.registries, [
		{host: 'docker.io', endpoint: ['http://10.20.0.15:5000', 'https://registry-1.docker.io'], insecureSkipVerify: false, source: 'mirrors'},
		{host: 'registry.contoso.local:5000', endpoint: [], insecureSkipVerify: true, source: 'configs'},
	]);
});

test('exposed CRI: TCP service, stream server on all addresses, gRPC tcp_address', () => {
	const config = facts(marinerContainerdExposed);
	assert.equal(config.cri.disableTcpService, false);
	assert.equal(config.cri.streamServerAddress, '0.0.0.0');
	assert.equal(config.grpcTcpAddress, '0.0.0.0:10010');
});

test('config_path with certs.d/<host>/hosts.toml: server, host mirrors and skip_verify', () => {
	const config = facts(containerdHostsTomlInsecure);
	assert.equal(config.configPath, '/etc/containerd/certs.d');
	assert.deepEqual(config.registries, [
		{host: 'docker.io', endpoint: ['https://registry-1.docker.io', 'https://mirror.contoso.local'], insecureSkipVerify: true, source: 'hosts.toml', file: '/etc/containerd/certs.d/docker.io/hosts.toml'},
		{host: 'mcr.microsoft.com', endpoint: ['https://mcr.microsoft.com'], insecureSkipVerify: false, source: 'hosts.toml', file: '/etc/containerd/certs.d/mcr.microsoft.com/hosts.toml'},
	]);
});

test('containerd 2.x (version 3): split CRI plugins and their defaults', () => {
	const config = facts(`__AKH_SECTION__ file /etc/containerd/config.toml
version = 3
[plugins."io.containerd.cri.v1.images".registry]
  config_path = "/etc/containerd/certs.d:/etc/docker/certs.d"
[plugins."io.containerd.cri.v1.images".registry.mirrors."ghcr.io"]
  endpoint = ["http://10.0.0.9:5000"]
[plugins."io.containerd.cri.v1.runtime"]
  enable_unprivileged_icmp = false
[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
`);
	assert.equal(config.source, 'file');
	assert.equal(config.version, 3);
	assert.equal(config.configPath, '/etc/containerd/certs.d:/etc/docker/certs.d');
	assert.deepEqual(config.cri, {disableTcpService: true, streamServerAddress: '127.0.0.1', enableUnprivilegedPorts: true, enableUnprivilegedIcmp: false});
	assert.deepEqual(config.registries, [{host: 'ghcr.io', endpoint: ['http://10.0.0.9:5000'], insecureSkipVerify: false, source: 'mirrors'}]);
});

test('legacy version 1 names ([plugins.cri]) are read too', () => {
	const config = facts('__AKH_SECTION__ file /etc/containerd/config.toml\n[plugins.cri]\n  stream_server_address = "0.0.0.0"\n[plugins.cri.registry.mirrors."docker.io"]\n  endpoint = ["http://m:5000"]\n');
	assert.equal(config.version, 1);
	assert.equal(config.cri.streamServerAddress, '0.0.0.0');
	assert.equal(config.registries[0]?.endpoint[0], 'http://m:5000');
});

test('errors: no containerd, unparsable TOML with its line, a broken hosts.toml', () => {
	assert.deepEqual(parseContainerdConfig('__AKH_MISSING__ containerd\n__AKH_MISSING__ /etc/containerd/config.toml\n'), {
		error: 'command not found: containerd (and no /etc/containerd/config.toml)',
	});
	assert.deepEqual(parseContainerdConfig('__AKH_SECTION__ dump\nversion = 2\n[grpc\n'), {error: 'cannot parse containerd config: illegal character in key at line 2'});
	const broken = parseContainerdConfig(`${marinerContainerdClean}__AKH_SECTION__ hosts x /etc/containerd/certs.d/x/hosts.toml\nserver = \n`);
	assert.ok('error' in broken);
	assert.match(broken.error, /^cannot parse \/etc\/containerd\/certs\.d\/x\/hosts\.toml: .* at line 1$/);
});

test('a failed dump falls back to the file and says why', () => {
	const config = facts('__AKH_SECTION__ file /etc/containerd/config.toml\nversion = 2\n__AKH_SECTION__ dump-error\ncontainerd: failed to load plugin config\n');
	assert.equal(config.source, 'file');
	assert.equal(config.dumpError, 'containerd: failed to load plugin config');
});
