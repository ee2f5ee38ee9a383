import {test} from 'node:test';
import assert from 'node:assert/strict';
import {durationSeconds, effectiveKubelet, parseFlags, parseKubeletConfig, type KubeletFacts} from '../../src/probes/kubelet-config.js';
import {marinerKubeletAnonymousFlag, marinerKubeletClean, marinerKubeletReadOnlyPort} from '../../src/probes/fixtures/mariner-kubelet.js';

function facts(output: string): KubeletFacts {
	const parsed = parseKubeletConfig(output);
	assert.ok('facts' in parsed, 'error' in parsed ? parsed.error : '');
	return parsed.facts as KubeletFacts;
}

test('kubeadm defaults on a Mariner node: a zero duration in the file means the kubelet default', () => {
	const kubelet = facts(marinerKubeletClean);
	assert.equal(kubelet.flagsSource, 'process');
	assert.equal(kubelet.flags['config'], '/var/lib/kubelet/config.yaml');
	assert.equal(kubelet.flags['kubeconfig'], '/etc/kubernetes/kubelet.conf');
	assert.deepEqual(kubelet.effective, {
		anonymousAuth: false,
		authorizationMode: 'Webhook',
		clientCAFile: '/etc/kubernetes/pki/ca.crt',
		readOnlyPort: 0,
		streamingConnectionIdleTimeout: '4h0m0s',
		streamingConnectionIdleTimeoutSeconds: 14400,
		makeIPTablesUtilChains: true,
		rotateCertificates: true,
		protectKernelDefaults: false,
		podPidsLimit: null,
		tlsCipherSuites: [],
		eventRecordQPS: 50,
	});
	assert.equal((kubelet.config as Record<string, unknown>)['kind'], 'KubeletConfiguration');
});

test('readOnlyPort from the file', () => {
	assert.equal(facts(marinerKubeletReadOnlyPort).effective.readOnlyPort, 10255);
});

test('flags win over the file, as the kubelet applies them', () => {
	const kubelet = facts(marinerKubeletAnonymousFlag);
	assert.equal(kubelet.effective.anonymousAuth, true);
	assert.equal(kubelet.effective.authorizationMode, 'AlwaysAllow');
	const config = kubelet.config as {authentication: {anonymous: {enabled: boolean}}};
	assert.equal(config.authentication.anonymous.enabled, false, 'the file itself is kept as read');
});

test('a kubelet that is not running: flags come from the unit, its Environment= and EnvironmentFile=', () => {
	const output = marinerKubeletClean.replace(/__AKH_SECTION__ cmdline\n[\s\S]*?__AKH_SECTION__ config/, '__AKH_SECTION__ cmdline\n__AKH_SECTION__ config');
	const kubelet = facts(output.replace('__AKH_SECTION__ env /var/lib/kubelet/kubeadm-flags.env\n', '__AKH_SECTION__ env /var/lib/kubelet/kubeadm-flags.env\n') + '__AKH_SECTION__ env /etc/sysconfig/kubelet\nKUBELET_EXTRA_ARGS=--read-only-port=10255 --rotate-certificates=false\n');
	assert.equal(kubelet.flagsSource, 'unit');
	assert.equal(kubelet.flags['config'], '/var/lib/kubelet/config.yaml');
	assert.equal(kubelet.flags['container-runtime-endpoint'], 'unix:///run/containerd/containerd.sock');
	assert.equal(kubelet.effective.readOnlyPort, 10255);
	assert.equal(kubelet.effective.rotateCertificates, false);
});

test('without a config file the command-line defaults apply', () => {
	const kubelet = facts('__AKH_SECTION__ cmdline\n/usr/bin/kubelet\n--kubeconfig=/etc/kubernetes/kubelet.conf\n__AKH_SECTION__ config /var/lib/kubelet/config.yaml\n__AKH_MISSING__ /var/lib/kubelet/config.yaml\n__AKH_SECTION__ unit\n\n');
	assert.equal(kubelet.config, null);
	assert.equal(kubelet.effective.anonymousAuth, true);
	assert.equal(kubelet.effective.authorizationMode, 'AlwaysAllow');
	assert.equal(kubelet.effective.readOnlyPort, 10255);
});

test('errors: no kubelet at all, a config that is not YAML', () => {
	assert.deepEqual(parseKubeletConfig('__AKH_SECTION__ cmdline\n__AKH_SECTION__ config /var/lib/kubelet/config.yaml\n__AKH_MISSING__ /var/lib/kubelet/config.yaml\n__AKH_SECTION__ unit\n\n'), {
		error: 'kubelet not found: no running kubelet, no kubelet unit and no /var/lib/kubelet/config.yaml',
	});
	const bad = parseKubeletConfig('__AKH_SECTION__ cmdline\n__AKH_SECTION__ config /var/lib/kubelet/config.yaml\nauthentication:\n  anonymous: [\n');
	assert.ok('error' in bad);
	assert.match(bad.error, /^cannot parse kubelet config \/var\/lib\/kubelet\/config\.yaml: /);
});

test('flags and durations as the kubelet reads them', () => {
	assert.deepEqual(parseFlags(['--a=1', '--b', '2', '--c', '--d=x=y']), {a: '1', b: '2', c: 'true', d: 'x=y'});
	assert.equal(durationSeconds('4h0m0s'), 14400);
	assert.equal(durationSeconds('30m'), 1800);
	assert.equal(durationSeconds('1h30m15s'), 5415);
	assert.equal(durationSeconds('0s'), 0);
	assert.equal(durationSeconds('0'), 0);
	assert.equal(effectiveKubelet({}, {'streaming-connection-idle-timeout': '0'}).streamingConnectionIdleTimeoutSeconds, 0);
	assert.equal(effectiveKubelet({podPidsLimit: 4096}, {}).podPidsLimit, 4096);
	assert.equal(effectiveKubelet({podPidsLimit: -1}, {}).podPidsLimit, null);
});

test('--config-dir drop-ins merge over the file in order: objects field by field, lists replaced', () => {
	const parsed = parseKubeletConfig([
		'__AKH_SECTION__ cmdline',
		'/usr/bin/kubelet',
		'--config=/var/lib/kubelet/config.yaml',
		'--config-dir=/etc/kubernetes/kubelet.conf.d',
		'__AKH_SECTION__ config /var/lib/kubelet/config.yaml',
		'kind: KubeletConfiguration',
		'authentication:',
		'  anonymous:',
		'    enabled: false',
		'  x509:',
		'    clientCAFile: /etc/kubernetes/pki/ca.crt',
		'tlsCipherSuites: [TLS_RSA_WITH_AES_128_CBC_SHA, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]',
		'readOnlyPort: 0',
		'__AKH_SECTION__ dropin /etc/kubernetes/kubelet.conf.d/10-ca.conf',
		'authentication:',
		'  x509:',
		'    clientCAFile: /etc/kubernetes/certs/client-ca.pem',
		'tlsCipherSuites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]',
		'',
		'__AKH_SECTION__ dropin /etc/kubernetes/kubelet.conf.d/20-port.conf',
		'readOnlyPort: 10255',
		'',
		'__AKH_SECTION__ unit',
	].join('\n'));
	assert.ok('facts' in parsed, 'error' in parsed ? parsed.error : '');
	const facts = parsed.facts as KubeletFacts;
	assert.deepEqual(facts.dropIns, [
		{path: '/etc/kubernetes/kubelet.conf.d/10-ca.conf', keys: ['authentication.x509.clientCAFile', 'tlsCipherSuites']},
		{path: '/etc/kubernetes/kubelet.conf.d/20-port.conf', keys: ['readOnlyPort']},
	]);
	assert.equal(facts.effective.anonymousAuth, false, 'the main file\'s anonymous.enabled survives a drop-in that sets a sibling');
	assert.equal(facts.effective.clientCAFile, '/etc/kubernetes/certs/client-ca.pem');
	assert.deepEqual(facts.effective.tlsCipherSuites, ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384']);
	assert.equal(facts.effective.readOnlyPort, 10255);
	const broken = parseKubeletConfig('__AKH_SECTION__ config /c.yaml\nkind: KubeletConfiguration\n__AKH_SECTION__ dropin /d/1.conf\n: : bad\n');
	assert.match('error' in broken ? broken.error : '', /^cannot parse kubelet config \/d\/1\.conf: /, 'a broken drop-in is named');
});
