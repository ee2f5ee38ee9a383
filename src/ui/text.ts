/**
 * Plain-text layout helpers. The screens size everything themselves (a line never wraps on
 * its own), so a long value is cut with an ellipsis instead of wrapping into the next row.
 * Every string passes through here on its way to the screen, so this is also where control
 * characters from clusters, manifests and nodes are shown escaped (one sanitiser, printable()).
 */
import {printable, printableLines} from '../model/printable.js';

/** Characters as the terminal counts them, close enough for ASCII, accents and box symbols. */
export function textWidth(text: string): number {
	return [...text].length;
}

export function truncate(raw: string, width: number): string {
	if (width <= 0) return '';
	const text = printable(raw);
	const chars = [...text];
	if (chars.length <= width) return text;
	return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

export function padEnd(text: string, width: number): string {
	const cut = truncate(text, width);
	return cut + ' '.repeat(Math.max(0, width - textWidth(cut)));
}

export function padStart(text: string, width: number): string {
	const cut = truncate(text, width);
	return ' '.repeat(Math.max(0, width - textWidth(cut))) + cut;
}

/** Word-wrap a paragraph (newlines kept) to a width; a word longer than the width is cut hard. */
export function wrap(text: string, width: number): string[] {
	if (width <= 0) return [];
	const lines: string[] = [];
	for (const paragraph of printableLines(text).replace(/\t/g, ' ').split('\n')) {
		const indent = /^\s*/.exec(paragraph)?.[0] ?? '';
		const words = paragraph.trim().split(/\s+/).filter(Boolean);
		if (!words.length) {
			lines.push('');
			continue;
		}
		let line = indent;
		for (let word of words) {
			while (textWidth(word) > width - textWidth(indent)) {
				if (line.trim()) {
					lines.push(line);
					line = indent;
				}
				const room = Math.max(1, width - textWidth(indent));
				lines.push(indent + [...word].slice(0, room).join(''));
				word = [...word].slice(room).join('');
			}
			if (!word) continue;
			const candidate = line.trim() ? `${line} ${word}` : indent + word;
			if (textWidth(candidate) > width) {
				lines.push(line);
				line = indent + word;
			} else {
				line = candidate;
			}
		}
		if (line.trim()) lines.push(line);
	}
	return lines;
}

/**
 * Cut a line into rows of `width` without touching its spacing (command output keeps its
 * columns); continuation rows start with `indent`.
 */
export function hardWrap(raw: string, width: number, indent = '    '): string[] {
	// Tabs become spaces first so command output keeps its columns; the rest is escaped.
	const line = printable(raw.replace(/\t/g, '    '));
	const chars = [...line];
	if (chars.length <= width || width <= textWidth(indent)) return [line];
	const rows = [chars.slice(0, width).join('')];
	const room = width - textWidth(indent);
	for (let index = width; index < chars.length; index += room) rows.push(indent + chars.slice(index, index + room).join(''));
	return rows;
}

/** Visible slice of a list of `count` rows that keeps the cursor in view. */
export function windowFor(count: number, cursor: number, height: number): {readonly start: number; readonly end: number} {
	if (height <= 0) return {start: 0, end: 0};
	if (count <= height) return {start: 0, end: count};
	const start = Math.max(0, Math.min(cursor - Math.floor(height / 2), count - height));
	return {start, end: start + height};
}

export function formatTime(iso: string | undefined): string {
	if (!iso) return '—';
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) return iso;
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function plural(count: number, word: string, many = `${word}s`): string {
	return `${count} ${count === 1 ? word : many}`;
}
