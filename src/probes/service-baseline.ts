import {relative} from 'node:path';
import {packageRoot} from '../package-root.js';
import type {Probe, ProbeParse} from './probe.js';
import {MISSING} from './shell.js';
import {imageId, loadBaselines, packagedBaselineDir, parseOsRelease, unitPattern, type Baseline} from './baselines.js';
import {operatorBaselineDir} from '../paths.js';

export type ServiceBaselineFacts = {
	readonly image: string;
	readonly prettyName: string;
	/** The baseline file, relative to the package when it ships with it. */
	readonly file: string;
	readonly units: readonly string[];
	/** The unit globs as anchored regular expressions, for CEL's `matches`. */
	readonly patterns: readonly string[];
};


function display(file: string): string {
	const rel = relative(packageRoot, file);
	return rel.startsWith('..') ? file : rel;
}

/**
 * Names the node's image (from /etc/os-release) and brings that image's service baseline to the
 * checks. Kept apart from the `services` probe so the service list stays a plain observation
 * and the baseline stays data: no baseline for the image is an error, never a silent pass.
 */
export function createServiceBaselineProbe(load: () => ReadonlyMap<string, Baseline>): Probe {
	let cache: ReadonlyMap<string, Baseline> | undefined;
	const baselines = () => (cache ??= load());
	const parse = (output: string): ProbeParse => {
		if (output.includes(`${MISSING} `)) return {error: 'cannot identify the node image: /etc/os-release is missing'};
		const release = parseOsRelease(output);
		if (!release['ID']) return {error: 'cannot identify the node image: /etc/os-release has no ID'};
		const image = imageId(release);
		let known: ReadonlyMap<string, Baseline>;
		try {
			known = baselines();
		} catch (error) {
			return {error: `cannot load service baselines: ${error instanceof Error ? error.message : String(error)}`};
		}
		const baseline = known.get(image);
		if (!baseline) {
			return {
				error: `no service baseline for image ${image}: capture one from a freshly provisioned node with \`aks-harden baseline capture NODE\` (it is saved to ${operatorBaselineDir()})`,
			};
		}
		const facts: ServiceBaselineFacts = {
			image,
			prettyName: release['PRETTY_NAME'] ?? image,
			file: display(baseline.file),
			units: baseline.units,
			patterns: baseline.units.map(unitPattern),
		};
		return {facts};
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
