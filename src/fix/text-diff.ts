import {createTwoFilesPatch, FILE_HEADERS_ONLY} from 'diff';
import {stringify} from 'yaml';

/** A unified diff with the `---`/`+++` headers operators know from `diff -u` and `kubectl diff`. */
export function unifiedDiff(label: string, before: string, after: string, labels: {before?: string; after?: string} = {}): string {
	if (before === after) return '';
	return createTwoFilesPatch(`${label}${labels.before ?? ''}`, `${label}${labels.after ?? ''}`, before, after, undefined, undefined, {context: 3, headerOptions: FILE_HEADERS_ONLY});
}

export function toYaml(value: unknown): string {
	return value === undefined ? '' : stringify(value, {lineWidth: 0});
}

/** Added and removed lines of a diff (not its headers), counted. */
function changedLines(diff: string, ignore?: RegExp): Map<string, number> {
	const counts = new Map<string, number>();
	for (const line of diff.split('\n')) {
		if (!/^[-+]/.test(line) || /^(---|\+\+\+) /.test(line) || ignore?.test(line)) continue;
		counts.set(line, (counts.get(line) ?? 0) + 1);
	}
	return counts;
}

/**
 * What a change really does that its reviewed diff does not show, line by line: lines the new
 * diff adds or removes beyond the planned one, and planned lines it no longer has. Headers and
 * context are left out, so the two may come from different labels and context sizes.
 */
export function unshownLines(planned: string, actual: string, options: {ignore?: RegExp | undefined} = {}): string[] {
	const shown = changedLines(planned, options.ignore);
	const done = changedLines(actual, options.ignore);
	const out: string[] = [];
	for (const [line, count] of done) if ((shown.get(line) ?? 0) < count) out.push(line.trim());
	for (const [line, count] of shown) if ((done.get(line) ?? 0) < count) out.push(`${line.trim()} (in the plan's diff, not done)`);
	return out;
}
