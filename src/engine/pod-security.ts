// Pod Security Admission's verdict on a pod, computed from the catalogue's PSS checks: the
// audit, a namespace's summary, the demo API server's admission and the exported policies all
// read the same check files, so there is one definition of what baseline and restricted forbid.
import type {CompiledCheck} from '../catalog/load.js';
import type {Finding} from '../model/finding.js';
import type {KubeObject} from '../model/kube.js';
import {
	latestPssMinor, namespacePssMinor, newestPssMinor, pssLabelPrefix, pssVersionName, serverMinor, type PssLevel,
} from '../model/pss.js';
import type {Bindings} from './cel.js';
import {finish, workloadSubjects} from './evaluate.js';
import type {AuditSettings, ClusterFacts} from './facts.js';
import {collectWorkloads, type Workload} from './workloads.js';

export type PssVersion = {readonly minor: number; readonly source: string};
/** Called with no namespace: the version an "as if" audit uses (--pss-version, else latest). */
export type PssVersions = ((namespace: KubeObject | undefined) => PssVersion) & {readonly latest: PssVersion};

/**
 * The checks PSA runs at a level. Baseline: every baseline control. Restricted: every restricted
 * control plus the baseline ones no restricted control overrides (PSA's registry drops an
 * overridden baseline check at restricted; the overriding check carries the baseline rule for
 * the versions before its own rule existed, so this list is the same at every version).
 */
export function pssSelection(checks: readonly CompiledCheck[], level: PssLevel): CompiledCheck[] {
	const pss = checks.filter(({check}) => check.pss);
	if (level === 'baseline') return pss.filter(({check}) => check.pss!.level === 'baseline');
	const overridden = new Set(pss.flatMap(({check}) => (check.pss!.level === 'restricted' ? check.pss!.overrides : [])));
	return pss.filter(({check}) => check.pss!.level === 'restricted' || !overridden.has(check.pss!.control));
}

/** Versions per namespace: --pss-version wins; else the namespace's enforce-version; latest is the API server's. */
export function pssVersionResolver(facts: ClusterFacts | undefined, settings: Pick<AuditSettings, 'pssVersion'>): PssVersions {
	const server = serverMinor(facts?.extra.get('server-version')?.value);
	const latestMinor = latestPssMinor(server);
	const latest: PssVersion = {
		minor: latestMinor,
		source: server === undefined ? `latest (no API server version; the newest known, ${pssVersionName(newestPssMinor)})` : `latest (the API server's ${pssVersionName(server)})`,
	};
	const override = settings.pssVersion;
	const cache = new Map<KubeObject | undefined, PssVersion>();
	const resolve = (namespace: KubeObject | undefined): PssVersion => {
		if (override === 'latest') return latest;
		if (override !== undefined) return {minor: override, source: '--pss-version'};
		let found = cache.get(namespace);
		if (!found) {
			const minor = namespacePssMinor(namespace?.metadata.labels, latestMinor);
			found = minor === undefined ? latest : {minor, source: `namespace ${namespace!.metadata.name}'s enforce-version`};
			cache.set(namespace, found);
		}
		return found;
	};
	return Object.assign(resolve, {latest});
}

export type PodViolation = {readonly checkId: string; readonly control: string; readonly messages: readonly string[]};

/** What PSA makes of a PSS check's finding: a violation (its message) or nothing. */
function violation(compiled: CompiledCheck, finding: Finding | undefined, excepted: boolean): string | undefined {
	if (!finding) return undefined;
	// A platform exception turns a failure into `accepted`; PSA knows no exceptions.
	const failed = finding.status === 'fail' || finding.status === 'error' || (excepted && finding.status === 'accepted' && compiled.check.onFail === 'fail');
	return failed ? finding.message : undefined;
}

/**
 * The verdicts the audit's PSS checks already gave, per check, workload and version: a
 * namespace's PSA summary reads them instead of judging every pod a second time. A verdict is
 * known only once all of a workload's containers were judged.
 */
export class PssVerdicts {
	readonly #known = new Map<CompiledCheck, WeakMap<Workload, Map<number, string[]>>>();

	record(compiled: CompiledCheck, workload: Workload, minor: number, finding: Finding | undefined): void {
		let byWorkload = this.#known.get(compiled);
		if (!byWorkload) this.#known.set(compiled, (byWorkload = new WeakMap()));
		let byMinor = byWorkload.get(workload);
		if (!byMinor) byWorkload.set(workload, (byMinor = new Map()));
		let messages = byMinor.get(minor);
		if (!messages) byMinor.set(minor, (messages = []));
		const message = violation(compiled, finding, true);
		if (message !== undefined) messages.push(message);
	}

	get(compiled: CompiledCheck, workload: Workload, minor: number): readonly string[] | undefined {
		return this.#known.get(compiled)?.get(workload)?.get(minor);
	}
}

/** The PSS controls a workload's pod breaks at a level and version, in catalogue order. */
export function podViolations(selection: readonly CompiledCheck[], workload: Workload, version: PssVersion, common: Bindings = {}, verdicts?: PssVerdicts): PodViolation[] {
	const out: PodViolation[] = [];
	for (const compiled of selection) {
		let messages = verdicts?.get(compiled, workload, version.minor);
		if (!messages) {
			const found: string[] = [];
			for (const subject of workloadSubjects(compiled.check, workload, common, version)) {
				const message = violation(compiled, finish(compiled, subject, undefined, undefined), false);
				if (message !== undefined) found.push(message);
			}
			messages = found;
		}
		if (messages.length) out.push({checkId: compiled.check.id, control: compiled.check.pss!.control, messages});
	}
	return out;
}

/** One object as PSA would judge it (a Pod, or a controller's pod template). */
export function objectViolations(catalog: readonly CompiledCheck[], object: KubeObject, level: PssLevel, version: PssVersion): PodViolation[] {
	const [workload] = collectWorkloads([object]);
	return workload ? podViolations(pssSelection(catalog, level), workload, version) : [];
}

const levelOf = (value: unknown): PssLevel | 'privileged' | undefined =>
	value === 'baseline' || value === 'restricted' || value === 'privileged' ? value : undefined;

const describe = (workload: Workload, violations: readonly PodViolation[]) =>
	`${workload.object.kind}/${workload.object.metadata.name} (${violations.map((v) => v.control).join(', ')})`;

/**
 * A namespace as PSA sees it: what it declares, which workloads its enforce level would reject,
 * and which ones `restricted` at latest (or at --pss-version) would reject.
 */
export function namespacePodSecurity(
	catalog: readonly CompiledCheck[],
	namespace: KubeObject,
	workloads: readonly Workload[],
	versions: PssVersions,
	common: Bindings,
	verdicts?: PssVerdicts,
) {
	const labels = (namespace.metadata.labels ?? {}) as Record<string, string>;
	const label = (key: string) => labels[`${pssLabelPrefix}${key}`] ?? '';
	const enforce = levelOf(label('enforce'));
	const enforceVersion = versions(namespace);
	const asIf = versions(undefined);
	const restricted = pssSelection(catalog, 'restricted');
	const enforced = enforce === 'baseline' || enforce === 'restricted' ? pssSelection(catalog, enforce) : undefined;
	const rejectedAtRestricted: string[] = [];
	const rejectedAtEnforce: string[] = [];
	for (const workload of workloads) {
		const atRestricted = podViolations(restricted, workload, asIf, common, verdicts);
		if (atRestricted.length) rejectedAtRestricted.push(describe(workload, atRestricted));
		if (!enforced) continue;
		const atEnforce = enforce === 'restricted' && enforceVersion.minor === asIf.minor ? atRestricted : podViolations(enforced, workload, enforceVersion, common, verdicts);
		if (atEnforce.length) rejectedAtEnforce.push(describe(workload, atEnforce));
	}
	return {
		enforce: label('enforce') || 'privileged (no label)',
		enforceVersion: label('enforce-version') || 'latest',
		evaluatedAt: pssVersionName(enforceVersion.minor),
		audit: label('audit'),
		warn: label('warn'),
		restrictedVersion: pssVersionName(asIf.minor),
		workloads: workloads.length,
		rejectedAtEnforce,
		rejectedAtRestricted,
	};
}
