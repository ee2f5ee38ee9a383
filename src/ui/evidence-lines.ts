import {stringify} from 'yaml';
import type {Finding} from '../model/finding.js';

/**
 * Evidence as lines an operator can read and an auditor can look up: `path: value` for object
 * paths, `$ command` for what was run on a node, and YAML for anything nested.
 */
export function evidenceLines(finding: Finding): string[] {
	const lines: string[] = [];
	const entries = Object.entries(finding.evidence).filter(([key]) => key !== 'attestation' && key !== 'waiver');
	for (const [key, value] of entries) {
		if (key === 'commands' && value && typeof value === 'object' && !Array.isArray(value)) {
			for (const [probe, command] of Object.entries(value as Record<string, unknown>)) {
				lines.push(`$ ${String(command)}`, `  (probe ${probe})`);
			}
			continue;
		}
		if (key === 'output' && typeof value === 'string') {
			lines.push('output:', ...value.replace(/\n$/, '').split('\n').map((line) => `  ${line}`));
			continue;
		}
		if (value === null || typeof value !== 'object') {
			const text = typeof value === 'string' ? value : JSON.stringify(value);
			if (text.includes('\n')) lines.push(`${key}:`, ...text.split('\n').map((line) => `  ${line}`));
			else lines.push(`${key}: ${text}`);
			continue;
		}
		if (Array.isArray(value) && value.length === 0) {
			lines.push(`${key}: []`);
			continue;
		}
		lines.push(`${key}:`);
		for (const line of stringify(value, {lineWidth: 0}).replace(/\n$/, '').split('\n')) lines.push(`  ${line}`);
	}
	if (finding.location) lines.push(`source: ${finding.location.file}:${finding.location.line}`);
	if (!lines.length) lines.push('(no evidence recorded)');
	return lines;
}
