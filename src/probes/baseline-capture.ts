import {stringify} from 'yaml';
import {BaselineSchema} from './baselines.js';
import type {ServicesFacts} from './services.js';
import type {WindowsServicesFacts} from './windows/services.js';

export type CaptureOptions = {
	/** The node the units were read from, recorded in the file. */
	readonly node?: string;
	readonly title?: string;
	/** ISO timestamp of the capture; pass one for byte-stable output. */
	readonly capturedAt?: string;
};

/** `getty@tty1.service` → `getty@*`: instances differ from node to node, the template does not. */
function generalize(unit: string): string {
	// Windows per-user services carry a random suffix per logon session: CDPUserSvc_3a4b5 → CDPUserSvc_*.
	const perUser = /^([A-Za-z][\w]*?)_[0-9a-f]{4,8}$/i.exec(unit);
	if (perUser) return `${perUser[1]}_*`;
	const at = unit.indexOf('@');
	if (at < 0) return unit;
	const suffix = unit.slice(unit.lastIndexOf('.'));
	return unit.slice(at + 1, unit.length - suffix.length) ? `${unit.slice(0, at + 1)}*` : unit;
}

/**
 * A service baseline file (data/baselines/<image>.yaml) from the `services` facts of a freshly
 * provisioned node: every unit it enables or runs, template instances folded into one glob.
 * Pure: the caller reads the node and writes the file.
 */
export function captureBaseline(services: ServicesFacts | WindowsServicesFacts, image: string, options: CaptureOptions = {}): string {
	const units = new Set<string>();
	for (const unit of [...services.enabled, ...(services.running ?? [])]) units.add(generalize(unit));
	// A template that is enabled (`getty@.service`) and also has running instances needs one entry.
	for (const unit of [...units]) {
		if (unit.endsWith('@*')) units.delete(`${unit.slice(0, -1)}.service`);
	}
	const document = {
		image,
		...(options.title ? {title: options.title} : {}),
		source: options.node ? `captured from node ${options.node}` : 'captured from a freshly provisioned node',
		...(options.node ? {capturedFrom: options.node} : {}),
		...(options.capturedAt ? {capturedAt: options.capturedAt} : {}),
		units: [...units].sort(),
	};
	// Validate what we write with the schema that will read it back.
	BaselineSchema.parse(document);
	const header = [
		`# Service baseline for ${image}: the units a freshly provisioned node of this image enables`,
		'# or runs. host.services reports any other enabled or running unit on nodes of this image.',
		services.running === null ? '# systemd was not running on the captured node: only enabled units were recorded.' : undefined,
		'# Review before committing: a unit captured here is trusted on every node of the image.',
	].filter((line) => line !== undefined);
	return `${header.join('\n')}\n${stringify(document, {lineWidth: 0})}`;
}
