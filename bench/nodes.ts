// Issue target: the full host audit of 20 and 50 test nodes with 50 ms added round-trip time
// takes at most the time of plain `ssh` through `xargs -P` running the same probe script, and is
// at least 10x faster than Ansible (`ansible all -m shell`, default settings) doing the same.
// All three run inside the lab's hub namespace, over the same bridge and the same delayer.
import {mkdtempSync, writeFileSync, mkdirSync, readdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa, execaSync} from 'execa';
import {startLab, type Lab} from '../test/support/ssh-lab.js';
import {buildNodeScript, newMarker} from '../src/engine/node-script.js';
import {probes} from '../src/probes/index.js';
import {loadCatalog} from '../src/catalog/load.js';

const rssPreload = new URL('./rss-on-exit.mjs', import.meta.url).pathname;
const bin = new URL('../bin/aks-harden.js', import.meta.url).pathname;

const nodeFiles = {
	'/etc/ssh/sshd_config.d/50-cloud-init.conf': {content: 'PasswordAuthentication yes\n'},
	'/etc/containerd/config.toml': {content: 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["http://mirror.local:5000"]\n'},
	'/var/lib/kubelet/config.yaml': {content: 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: 10255\nauthentication:\n  anonymous:\n    enabled: false\n', mode: 0o644},
};

async function timed(lab: Lab, command: string, args: readonly string[], env: Record<string, string> = {}): Promise<{ms: number; stdout: string; stderr: string; code: number | undefined}> {
	const started = performance.now();
	const result = await execa('ip', ['netns', 'exec', lab.hub, command, ...args], {reject: false, env, timeout: 600_000});
	return {ms: performance.now() - started, stdout: String(result.stdout), stderr: String(result.stderr), code: result.exitCode};
}

async function benchOnce(count: number, selection: {readonly label: string; readonly checks?: string}): Promise<void> {
	const lab = await startLab({nodes: Array.from({length: count}, (_, i) => ({name: `bench-${i + 1}`, files: nodeFiles})), latencyMs: 50});
	const work = mkdtempSync(join(tmpdir(), 'akh-bench-nodes-'));
	try {
		const addresses = lab.nodes.map((node) => node.address);
		// The same script the tool sends: every probe the node checks need, framed by a marker.
		const selected = loadCatalog().checks.filter(({check}) => check.scope === 'node' && (!selection.checks || check.id === selection.checks));
		const needed = [...new Set(selected.flatMap(({check}) => check.probes))];
		const script = buildNodeScript(needed.map((name) => probes.get(name)!), newMarker());
		// Root only when a probe needs it, as the tool itself does.
		const sudo = needed.some((name) => probes.get(name)!.needsSudo);
		writeFileSync(join(work, 'probe.sh'), script);
		writeFileSync(join(work, 'ssh_config'), `Host *\n  User clouduser\n  IdentityFile ${lab.clientKeyPath}\n  IdentitiesOnly yes\n  UserKnownHostsFile ${lab.knownHostsPath}\n  StrictHostKeyChecking yes\n  BatchMode yes\n  ConnectTimeout 20\n`);
		const home = join(work, 'home');
		mkdirSync(home);
		const env = {HOME: home, KUBECONFIG: join(work, 'no-kubeconfig'), SSH_AUTH_SOCK: '', PATH: process.env['PATH'] ?? ''};

		const tool = await timed(lab, process.execPath, ['--import', rssPreload, bin, 'audit', '--nodes', addresses.join(','), '--ssh-user', 'clouduser', '--ssh-key', lab.clientKeyPath, '--known-hosts', lab.knownHostsPath, ...(selection.checks ? ['--checks', selection.checks] : ['--sections', 'host,images,certificates']), '--concurrency', String(count), '--format', 'json', '--output', join(work, 'audit.json')], env);
		if (tool.code !== 0 && tool.code !== 1) throw new Error(`aks-harden failed (${tool.code}): ${tool.stderr}`);
		const rss = Number(/BENCH maxrss_kb=(\d+)/.exec(tool.stderr)?.[1] ?? Number.NaN) / 1024;
		const unreachable = (tool.stderr.match(/unreachable/g) ?? []).length;

		mkdirSync(join(work, 'xargs'));
		const remote = sudo ? 'sudo -n sh -s' : 'sh -s';
		const xargsScript = `n=$1; cfg=$2; script=$3; out=$4; shift 4; printf "%s\\n" "$@" | xargs -P "$n" -I{} sh -c "ssh -F $cfg {} \\"${remote}\\" < $script > $out/{}"`;
		const xargs = await timed(lab, 'sh', ['-c', xargsScript, 'sh', String(count), join(work, 'ssh_config'), join(work, 'probe.sh'), join(work, 'xargs'), ...addresses], env);
		const xargsOk = readdirSync(join(work, 'xargs')).length;

		writeFileSync(join(work, 'inventory.ini'), `[nodes]\n${addresses.join('\n')}\n[nodes:vars]\nansible_user=clouduser\nansible_ssh_private_key_file=${lab.clientKeyPath}\nansible_ssh_common_args=-o UserKnownHostsFile=${lab.knownHostsPath} -o StrictHostKeyChecking=yes\nansible_python_interpreter=/usr/bin/python3\n`);
		// The script travels base64-encoded: Ansible's argument splitter chokes on its quotes.
		const ansible = await timed(lab, 'ansible', ['all', '-i', join(work, 'inventory.ini'), '-f', String(count), ...(sudo ? ['-b'] : []), '-m', 'shell', '-a', `echo ${Buffer.from(script).toString('base64')} | base64 -d | sh`], {...env, ANSIBLE_LOCAL_TEMP: join(work, 'ansible-tmp'), ANSIBLE_NOCOLOR: '1'});
		const ansibleOk = (ansible.stdout.match(/CHANGED/g) ?? []).length;
		if (ansibleOk < count) console.log(`  ansible output (first lines):\n${ansible.stdout.split('\n').slice(0, 6).join('\n')}\n${ansible.stderr.split('\n').slice(0, 6).join('\n')}`);

		const ratio = tool.ms / xargs.ms;
		const speedup = ansible.ms / tool.ms;
		console.log(`host audit, ${count} nodes, +50 ms RTT, ${selection.label} (${needed.length} probe${needed.length === 1 ? '' : 's'}: ${needed.join(', ')}):`);
		console.log(`  aks-harden audit (probe + parse + evaluate + report): ${(tool.ms / 1000).toFixed(2)} s, peak RSS ${rss.toFixed(0)} MB${unreachable ? `, ${unreachable} unreachable!` : ''}`);
		console.log(`  ssh via xargs -P ${count}, same script:                 ${(xargs.ms / 1000).toFixed(2)} s (${xargsOk}/${count} outputs)`);
		console.log(`  ansible all -m shell (defaults), same script:        ${(ansible.ms / 1000).toFixed(2)} s (${ansibleOk}/${count} ok)`);
		console.log(`  aks-harden / xargs = ${ratio.toFixed(2)}x (target <= 1.0x) ${ratio <= 1 ? 'OK' : 'OVER'}; ansible / aks-harden = ${speedup.toFixed(1)}x (target >= 10x) ${speedup >= 10 ? 'OK' : 'UNDER'}`);
	} finally {
		await lab.stop();
	}
}

export async function benchNodes(): Promise<void> {
	if (process.getuid?.() !== 0) {
		console.log('host audit bench: needs root (network namespaces for the test nodes); skipped');
		return;
	}
	const missing = ['ansible', 'ssh', 'xargs'].filter((tool) => execaSync('sh', ['-c', 'command -v "$1"', 'sh', tool], {reject: false}).exitCode !== 0);
	if (missing.length) {
		console.log(`host audit bench: needs ${missing.join(', ')} for the comparison (apt-get install ansible-core openssh-client); skipped`);
		return;
	}
	// The full host audit is the target; the single cheap probe shows what each tool itself costs
	// once the nodes' own work (here, all nodes share this machine's two cores) is taken away.
	for (const count of (process.env['AKH_BENCH_NODES'] ?? '20,50').split(',').map(Number)) {
		await benchOnce(count, {label: 'full host audit'});
		await benchOnce(count, {label: 'one cheap check', checks: 'host.sysctl'});
	}
}
