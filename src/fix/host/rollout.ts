// A kubelet or containerd configuration change on one node, node-safe (DESIGN §5): preflight →
// cordon → drain through the Eviction API → back up → write (temp + rename) → validate →
// restart → wait for the Node to be Ready and the daemon healthy → on timeout put the backup
// back, restart, wait again and report the failure → uncordon. Every step is an event and goes
// into the audit-log entry. The plan's other nodes wait: apply stops at the first failure.
import {parse as parseYaml} from 'yaml';
import type {NodeShell} from '../../transports/interfaces.js';
import type {LogEntry, Undo} from '../audit-log.js';
import type {ClusterWriter} from '../../transports/interfaces.js';
import {sha256, textDigest} from '../digest.js';
import type {ApplyOptions, ChangeResult, StepName} from '../events.js';
import type {FileChange, Plan, Restart} from '../model.js';
import {recordChange} from '../record.js';
import {verifyOnNode, type Verified} from '../recheck.js';
import {containerdConfigProblem, kubeletConfigProblem} from './daemon-config.js';
import {drain, nodeReady, preflight, setCordon} from './node-drain.js';
import {readRemoteFile, restoreFile, run, replaceFile} from './remote.js';
import {messageOf, openNodeSession} from './node-session.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Where the node's file stands, so a lost connection can say which file the node has. */
type Phase = 'untouched' | 'backed-up' | 'renamed' | 'restarted' | 'restored';

export function validateDaemonConfig(validate: FileChange['validate'], text: string): string | undefined {
	if (validate === 'kubelet') return kubeletConfigProblem(text);
	if (validate === 'containerd') return containerdConfigProblem(text);
	return undefined;
}

/** The kubelet's healthz endpoint as the file configures it (defaults 127.0.0.1:10248). */
function healthzOf(unit: Restart['unit'], content: string): {address: string; port: number} | undefined {
	if (unit !== 'kubelet') return undefined;
	try {
		const doc = (parseYaml(content) ?? {}) as {healthzBindAddress?: string; healthzPort?: number};
		const port = typeof doc.healthzPort === 'number' ? doc.healthzPort : 10248;
		return port === 0 ? undefined : {address: doc.healthzBindAddress || '127.0.0.1', port};
	} catch {
		return {address: '127.0.0.1', port: 10248};
	}
}

async function restartUnit(session: NodeShell, unit: Restart['unit']): Promise<{ok: boolean; output: string}> {
	const result = await run(session, [unit], 'systemctl restart -- "$1" 2>&1');
	return {ok: result.code === 0, output: (result.stdout + result.stderr).trim()};
}

/**
 * The daemon as the node sees it: the unit active, and the kubelet's healthz answering `ok`
 * (curl, wget, or bash's /dev/tcp: whichever the node has); containerd answering on its socket.
 */
async function daemonHealthy(session: NodeShell, unit: Restart['unit'], healthz: {address: string; port: number} | undefined): Promise<string | undefined> {
	const script = [
		'systemctl is-active --quiet -- "$1" || { echo "unit $1 is $(systemctl is-active -- "$1" 2>/dev/null)"; exit 1; }',
		'if [ -n "$2" ]; then',
		'  url="http://$2:$3/healthz"',
		'  if command -v curl >/dev/null 2>&1; then body=$(curl -fsS --max-time 5 "$url" 2>&1)',
		'  elif command -v wget >/dev/null 2>&1; then body=$(wget -qO- -T 5 "$url" 2>&1)',
				// A server that closes before reading the whole request resets the socket: only the body counts.
		'  else body=$(bash -c \'exec 3<>"/dev/tcp/$0/$1" && printf "GET /healthz HTTP/1.0\\r\\nHost: $0\\r\\n\\r\\n" >&3; timeout 5 cat <&3 2>/dev/null\' "$2" "$3" 2>/dev/null | tr -d "\\r" | tail -n 1); fi',
		'  [ "$body" = ok ] || { echo "healthz $url: ${body:-no answer}"; exit 1; }',
		'elif [ "$1" = containerd ] && command -v ctr >/dev/null 2>&1; then',
		'  ctr version >/dev/null 2>&1 || { echo "containerd does not answer on its socket"; exit 1; }',
		'fi',
	].join('\n');
	const result = await run(session, [unit, healthz?.address ?? '', String(healthz?.port ?? '')], script);
	return result.code === 0 ? undefined : (result.stdout + result.stderr).trim() || `exit ${result.code}`;
}

/** Ready twice in a row a second apart: a crash-looping daemon is briefly active between restarts. */
async function waitHealthy(session: NodeShell, kube: ClusterWriter, change: FileChange, content: string, seconds: number): Promise<string | undefined> {
	const deadline = Date.now() + seconds * 1000;
	const healthz = healthzOf(change.restart!.unit, content);
	let streak = 0;
	let problem = 'not yet checked';
	while (Date.now() < deadline) {
		const local = await daemonHealthy(session, change.restart!.unit, healthz);
		const ready = local === undefined && (await nodeReady(kube, change.node.name));
		problem = local ?? (ready ? '' : `Node ${change.node.name} is not Ready`);
		streak = local === undefined && ready ? streak + 1 : 0;
		if (streak >= 2) return undefined;
		await sleep(1000);
	}
	return problem;
}

export async function applyRolloutChange(plan: Plan, change: FileChange, options: ApplyOptions): Promise<ChangeResult> {
	const base = {changeId: change.id, summary: change.summary};
	const steps: NonNullable<LogEntry['steps']> = [];
	const now = () => (options.context.now ?? (() => new Date()))();
	const step = (name: StepName, message: string) => {
		steps.push({time: now().toISOString(), step: name, message});
		options.onEvent?.({type: 'step', changeId: change.id, step: name, message});
	};
	const record = (result: LogEntry['result'], message: string, extra: Partial<LogEntry> = {}) =>
		recordChange(plan, change, options, result, message, {steps, ...extra});
	const done = (outcome: ChangeResult['outcome'], message: string, extra: Partial<LogEntry> & {verified?: Verified[]} = {}): ChangeResult => {
		const logId = record(outcome === 'rolled-back' || outcome === 'applied' || outcome === 'refused' ? outcome : 'failed', message, extra);
		return {...base, outcome, message, ...(logId ? {logId} : {}), ...(extra.verified ? {verified: extra.verified} : {})};
	};
	const restart = change.restart!;
	const where = `${change.node.name}:${change.path}`;
	if (sha256(change.content) !== change.afterDigest) return {...base, outcome: 'refused', message: `the plan's content for ${where} does not match its digest: the plan file was edited; plan again`};
	const kube = options.context.transport.kube;
	if (!kube) return {...base, outcome: 'refused', message: `restarting ${restart.unit} needs the cluster: the node is cordoned and drained through the API first (pass --kubeconfig / --context)`};
	const session = await openNodeSession(change.node, options.context);
	if (typeof session === 'string') return {...base, outcome: 'failed', message: session};
	let phase: Phase = 'untouched';
	let cordoned = false;
	let backup: string | undefined;
	const uncordon = async () => {
		if (!cordoned) return;
		await setCordon(kube, change.node.name, false);
		cordoned = false;
		step('uncordon', `${change.node.name} schedulable again`);
	};
	try {
		const current = await readRemoteFile(session, change.path);
		const before = current.exists ? current.content : undefined;
		const digest = textDigest(before);
		step('read', `${where}: ${digest === change.beforeDigest ? 'as planned' : digest === change.afterDigest ? 'already changed' : 'changed since the plan'}`);
		if (digest === change.afterDigest) return {...base, outcome: 'nothing-to-do', message: `${where} already has the planned content: nothing to do`};
		if (digest !== change.beforeDigest) return {...base, outcome: 'refused', message: `${where} changed since the plan was made: plan again and review the new diff`};

		const checked = await preflight(kube, change.node.name);
		if ('missing' in checked) return {...base, outcome: 'refused', message: checked.missing};
		const typed = options.confirmedNodes?.includes(change.node.name) === true;
		step('preflight', `pool ${checked.pool}: ${checked.readyPeers.length ? `${checked.readyPeers.length} other Ready node${checked.readyPeers.length === 1 ? '' : 's'} (${checked.readyPeers.join(', ')})` : 'no other Ready node'}; ${checked.evict.length} pod${checked.evict.length === 1 ? '' : 's'} to evict${checked.blockingBudgets.length ? `; ${checked.blockingBudgets.join('; ')}` : ''}`);
		if (!checked.readyPeers.length && !typed) {
			return {...done('refused', `${change.node.name} is the last Ready node of ${checked.pool}: restarting ${restart.unit} there takes the pool's workloads down. Type the node name to go ahead (--confirm-node ${change.node.name})`), needsNodeName: change.node.name};
		}
		if (checked.unmanaged.length) return done('refused', `${checked.unmanaged.join(', ')} on ${change.node.name} ha${checked.unmanaged.length === 1 ? 's' : 've'} no controller: a drain would delete ${checked.unmanaged.length === 1 ? 'it' : 'them'} for good. Move or delete ${checked.unmanaged.length === 1 ? 'it' : 'them'} first`);

		if (!checked.wasCordoned) {
			await setCordon(kube, change.node.name, true);
			cordoned = true;
		}
		step('cordon', checked.wasCordoned ? `${change.node.name} was already cordoned (it stays so)` : `${change.node.name} unschedulable`);
		const drained = await drain(kube, change.node.name, checked.evict, Date.now() + restart.drainTimeoutSeconds * 1000, (message) => step('drain', message));
		if (!drained.ok) {
			step('drain', drained.reason);
			await uncordon();
			return done('failed', `${drained.reason}; ${change.node.name} was uncordoned and ${change.path} was not touched`);
		}
		step('drain', `${change.node.name} drained (${checked.evict.length} evicted)`);

		await replaceFile(session, {...change, exists: current.exists}, now(), step, {
			...(options.hooks ? {hooks: options.hooks} : {}),
			onBackup: (made: string | undefined) => {
				backup = made;
				phase = 'backed-up';
			},
			onRenamed: () => {
				phase = 'renamed';
			},
		});

		const written = await readRemoteFile(session, change.path);
		const invalid = !written.exists || sha256(written.content) !== change.afterDigest ? 'the file read back is not what was written' : validateDaemonConfig(change.validate, written.content);
		if (invalid) {
			step('validate', `failed: ${invalid}`);
			await restoreFile(session, change.path, backup);
			phase = 'restored';
			step('restore', backup ? `${backup} put back (${restart.unit} was not restarted)` : `${change.path} removed`);
			await uncordon();
			return done('rolled-back', `${where} failed validation (${invalid}); the old file is back and ${restart.unit} was never restarted`);
		}
		step('validate', `valid (${change.validate})`);

		const restarted = await restartUnit(session, restart.unit);
		phase = 'restarted';
		step('restart', restarted.ok ? `systemctl restart ${restart.unit}` : `systemctl restart ${restart.unit} failed: ${restarted.output}`);
		const unhealthy = await waitHealthy(session, kube, change, change.content, restart.readyTimeoutSeconds);
		if (unhealthy) {
			step('ready', `not Ready and healthy within ${restart.readyTimeoutSeconds}s: ${unhealthy}`);
			await restoreFile(session, change.path, backup);
			phase = 'restored';
			step('restore', backup ? `${backup} put back over ${change.path}` : `${change.path} removed`);
			await restartUnit(session, restart.unit);
			step('restart', `systemctl restart ${restart.unit} (old configuration)`);
			const stillDown = await waitHealthy(session, kube, change, before ?? '', restart.readyTimeoutSeconds);
			if (stillDown) {
				step('ready', `still not Ready with the old configuration: ${stillDown}`);
				return done('failed', `${restart.unit} on ${change.node.name} did not become Ready with the new configuration (${unhealthy}); the old file is back but the node is still not Ready (${stillDown}). It stays cordoned: look at \`journalctl -u ${restart.unit}\` on the node. The rollout stops here`);
			}
			step('ready', `${change.node.name} Ready again with the old configuration`);
			await uncordon();
			return done('rolled-back', `${restart.unit} on ${change.node.name} did not become Ready with the new configuration within ${restart.readyTimeoutSeconds}s (${unhealthy}); the backup was put back, ${restart.unit} restarted and the node is Ready with its old configuration. The rollout stops here`);
		}
		step('ready', `${change.node.name} Ready and ${restart.unit} healthy`);
		await uncordon();

		const {verified, outcome} = await verifyOnNode(options.context, session, change.node, change.fixes, (message) => step('verify', message));
		const undo: Undo = backup
			? {type: 'file-restore', node: change.node, path: change.path, backup, validate: change.validate, restart}
			: {type: 'file-remove', node: change.node, path: change.path, validate: change.validate};
		const message = [`applied to ${where}, ${restart.unit} restarted and the node Ready`, outcome]
			.filter(Boolean)
			.join('; ');
		return done('applied', message, {undo, ...(verified ? {verified} : {})});
	} catch (error) {
		// replaceFile's callbacks move the phase too, which the compiler's narrowing cannot see.
		const reached = phase as Phase;
		const hasOld = reached === 'untouched' || reached === 'backed-up' || reached === 'restored';
		const state = hasOld
			? `${change.node.name} has the old ${change.path}`
			: `${change.node.name} has the new ${change.path}${reached === 'restarted' ? ` and ${restart.unit} was restarted` : ` (${restart.unit} not restarted yet)`}${backup ? `; the backup is ${backup}` : ''}`;
		// With the old file the node is as it was; with the new one nobody knows yet, so it stays
		// cordoned. Uncordoning goes through the API, not the cut SSH connection, and the message
		// says what is true after it.
		if (cordoned && hasOld) await uncordon().catch(() => undefined);
		return done('failed', `${where}: ${messageOf(error)}. ${state}${cordoned ? '; the node is still cordoned' : ''}`);
	} finally {
		session.close();
	}
}
