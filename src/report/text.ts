import type {Finding} from '../model/finding.js';
import {targetKey} from '../model/target.js';

/** Evidence as short `path: value` lines, the same in every human-readable format. */
export function evidenceLines(finding: Finding, limit = 12): string[] {
	const lines: string[] = [];
	for (const [key, value] of Object.entries(finding.evidence)) {
		if (key === 'commands' && value && typeof value === 'object') {
			for (const [probe, command] of Object.entries(value as Record<string, string>)) lines.push(`$ ${command}  (${probe})`);
			continue;
		}
		const text = typeof value === 'string' ? value : JSON.stringify(value);
		lines.push(`${key}: ${text.length > 200 ? `${text.slice(0, 197)}...` : text}`);
	}
	return lines.length > limit ? [...lines.slice(0, limit), `… ${lines.length - limit} more`] : lines;
}

export function describeTarget(finding: Finding): string {
	const key = targetKey(finding.target);
	return finding.location ? `${key} (${finding.location.file}:${finding.location.line})` : key;
}
