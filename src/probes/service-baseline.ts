import {relative} from 'node:path';
import {packageRoot} from '../package-root.js';
import type {Probe, ProbeParse} from './probe.js';
import {MISSING} from './shell.js';
import {imageId, loadBaselines, packagedBaselineDir, parseOsRelease, unitPattern, type Baseline} from './baselines.js';
import {operatorBaselineDir} from '../paths.js';
import {loadDenylist, type DeniedUnit} from './unit-denylist.js';

export type ServiceBaselineFacts = {
	readonly image: string;
	readonly prettyName: string;
	/** Whether the image has a baseline; without one only the denylist judges the node. */
	readonly found: boolean;
	/** The baseline file, relative to the package when it ships with it. */
	readonly file: string;
	readonly units: readonly string[];
	/** The unit globs as anchored regular expressions, for CEL's `matches`. */
	readonly patterns: readonly string[];
	/** Units no Kubernetes node needs, on every image (data/services/never-needed.yaml). */
	readonly denylist: readonly DeniedUnit[];
	/** Where `aks-harden baseline capture` saves a baseline, said when there is none. */
	readonly captureDir: string;
};


function display(file: string): string {
	const rel = relative(packageRoot, file);
	return rel.startsWith('..') ? file : rel;
}

/**
 * The image's service baseline and the unit denylist as the checks read them, each loaded once:
 * the same facts for a Linux image (os-release) and a Windows one (Win32_OperatingSystem).
 */
export function baselineFacts(load: () => ReadonlyMap<string, Baseline>, denylist: () => readonly DeniedUnit[]): (image: string, prettyName: string) => ProbeParse {
	let cache: ReadonlyMap<string, Baseline> | undefined;
	let denied: readonly DeniedUnit[] | undefined;
	return (image, prettyName) => {
		try {
			cache ??= load();
			denied ??= denylist();
		} catch (error) {
			return {error: `cannot load service baselines: ${error instanceof Error ? error.message : String(error)}`};
		}
		const baseline = cache.get(image);
		const facts: ServiceBaselineFacts = {
			image,
			prettyName,
			found: baseline !== undefined,
			file: baseline ? display(baseline.file) : '(none for this image)',
			units: baseline?.units ?? [],
			patterns: (baseline?.units ?? []).map(unitPattern),
			denylist: denied,
			captureDir: operatorBaselineDir(),
		};
		return {facts};
	};
}

/**
 * Names the node's image (from /etc/os-release) and brings the unit denylist and that image's
 * service baseline to the checks. Kept apart from the `services` probe so the service list stays
 * a plain observation and what is allowed stays data. An image without a baseline still gets the
 * denylist; the check says the baseline is missing (a warning), never a silent pass.
 */
export function createServiceBaselineProbe(load: () => ReadonlyMap<string, Baseline>, denylist: () => readonly DeniedUnit[] = loadDenylist): Probe {
	const judge = baselineFacts(load, denylist);
	const parse = (output: string): ProbeParse => {
		if (output.includes(`${MISSING} `)) return {error: 'cannot identify the node image: /etc/os-release is missing'};
		const release = parseOsRelease(output);
		if (!release['ID']) return {error: 'cannot identify the node image: /etc/os-release has no ID'};
		const image = imageId(release);
		return judge(image, release['PRETTY_NAME'] ?? image);
	};
	return {
		name: 'service-baseline',
		platforms: ['linux'],
		needsSudo: false,
		command: 'cat /etc/os-release',
		script: `if [ -r /etc/os-release ]; then cat /etc/os-release; elif [ -r /usr/lib/os-release ]; then cat /usr/lib/os-release; else echo '${MISSING} /etc/os-release'; fi`,
		parse,
	};
}

/**
 * Packaged baselines first, then the operator's own (`aks-harden baseline capture` writes them to
 * the state folder, or AKS_HARDEN_BASELINES names a folder): a captured image replaces ours.
 */
export const serviceBaselineProbe = createServiceBaselineProbe(() => loadBaselines([packagedBaselineDir, operatorBaselineDir()]));
