import type {Report} from '../model/report.js';

/** The public JSON contract (DESIGN §7), stable key order, newline-terminated. */
export function renderJson(report: Report): string {
	return `${JSON.stringify(report, null, 2)}\n`;
}
