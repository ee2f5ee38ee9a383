import {badWorkerOutputs, cleanWorkerOutputs, controlPlaneOutputs} from './fixtures/index.js';
import type {RecordedNode} from './recorded.js';

/**
 * The demo cluster's Linux nodes, answering from recorded probe output: a control plane that is
 * clean but for a password-login drop-in, a drifted worker, and a clean worker.
 */
export function demoNodeRecordings(): RecordedNode[] {
	return [
		{name: 'moc-l1hj0nllpvs', os: 'linux', role: 'control-plane', sudo: 'ok', address: '10.0.0.4', probes: {...controlPlaneOutputs}},
		{name: 'moc-lq2x7c9wd3f', os: 'linux', role: 'worker', sudo: 'ok', address: '10.0.0.5', probes: {...badWorkerOutputs}},
		{name: 'moc-lm84tkzv0pa', os: 'linux', role: 'worker', sudo: 'ok', address: '10.0.0.6', probes: {...cleanWorkerOutputs}},
	];
}
