import {nodeProbeNames, type CompiledCheck} from '../catalog/load.js';
import {evaluateCluster, evaluateNode} from '../engine/evaluate.js';
import {gatherCluster} from '../engine/gather.js';
import {gatherOverShell} from '../engine/gather-node.js';
import type {NodeFacts} from '../engine/facts.js';
import type {Finding} from '../model/finding.js';
import {targetKey} from '../model/target.js';
import type {NodeShell} from '../transports/interfaces.js';
import {nodeInfoOf, type FixContext} from './context.js';
import type {FindingRef, NodeRef} from './model.js';

/** A re-check runs the same probe script as the audit; it is bounded the same way (60 s default). */
const recheckTimeoutMs = 60_000;

export type Verified = {readonly checkId: string; readonly target: string; readonly status: string; readonly message?: string};

function checksOf(context: FixContext, fixes: readonly FindingRef[]): CompiledCheck[] {
	const ids = [...new Set(fixes.map((fix) => fix.checkId))];
	return ids.map((id) => context.catalog.byId.get(id)).filter((check): check is CompiledCheck => check !== undefined);
}

function match(fixes: readonly FindingRef[], findings: readonly Finding[]): Verified[] {
	return fixes.map((fix) => {
		const key = targetKey(fix.target);
		const found = findings.find((finding) => finding.checkId === fix.checkId && targetKey(finding.target) === key);
		return found
			? {checkId: fix.checkId, target: key, status: found.status, message: found.message}
			: {checkId: fix.checkId, target: key, status: 'gone', message: 'the target no longer exists or the check no longer applies to it'};
	});
}

/** Re-runs the checks a change was for, against the live objects (list, then evaluate), for its targets. */
export async function recheckCluster(context: FixContext, fixes: readonly FindingRef[]): Promise<Verified[] | undefined> {
	const source = context.transport.clusterSource;
	if (!source) return undefined;
	const checks = checksOf(context, fixes);
	const facts = await gatherCluster(checks, source, () => {});
	const findings: Finding[] = [];
	evaluateCluster(checks, facts, {exceptions: context.catalog.exceptions, settings: context.settings}, (finding) => findings.push(finding));
	return match(fixes, findings);
}

/** Runs probes over a shell already open (and left open for the next step): the same script and parsers as the audit. */
export async function gatherNodeFacts(context: FixContext, session: NodeShell, node: NodeRef, probes: readonly string[]): Promise<NodeFacts> {
	return gatherOverShell(session, nodeInfoOf(context, node), probes, {runTimeoutMs: recheckTimeoutMs});
}

/** Re-runs the probes the checks need over the session already open, then evaluates them. */
export async function recheckNode(context: FixContext, session: NodeShell, node: NodeRef, fixes: readonly FindingRef[]): Promise<Verified[]> {
	const checks = checksOf(context, fixes);
	const facts = await gatherNodeFacts(context, session, node, [...new Set(checks.flatMap(nodeProbeNames))]);
	const findings: Finding[] = [];
	evaluateNode(checks, facts, (finding) => findings.push(finding));
	return match(fixes, findings);
}

export function isVerified(verified: readonly Verified[] | undefined): boolean {
	return verified !== undefined && verified.every((entry) => entry.status === 'pass');
}

/**
 * How every host change ends: its checks re-run on the node (said as the `verify` step) and the
 * outcome in words for the result line. A re-check that cannot run is said, never a pass.
 */
export async function verifyOnNode(context: FixContext, session: NodeShell, node: NodeRef, fixes: readonly FindingRef[], onStep: (message: string) => void): Promise<{readonly verified?: Verified[]; readonly outcome: string}> {
	let verified: Verified[];
	try {
		verified = await recheckNode(context, session, node, fixes);
	} catch (error) {
		onStep(`could not re-run the check: ${error instanceof Error ? error.message : String(error)}`);
		return {outcome: ''};
	}
	onStep(verified.map((entry) => `${entry.checkId} ${entry.target}: ${entry.status}`).join('; '));
	const failing = verified.filter((entry) => entry.status !== 'pass');
	return {verified, outcome: isVerified(verified) ? 'the check passes now' : `the check does not pass yet: ${failing.map((entry) => entry.message ?? entry.status).join('; ')}`};
}
