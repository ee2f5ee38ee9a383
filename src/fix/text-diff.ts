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
