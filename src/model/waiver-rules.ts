/**
 * The rules every waiver obeys, wherever it was made (`.aks-harden.yaml`, the walkthrough, a saved
 * session): a real calendar date, a justification and an approver that say something, and a
 * target pattern matched in time proportional to pattern × subject, never by backtracking.
 */

/** `YYYY-MM-DD` naming a day that exists: 2026-02-30 and 2026-99-99 do not. */
export function isCalendarDate(text: string): boolean {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
	if (!match) return false;
	const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
	const date = new Date(Date.UTC(year, month - 1, day));
	return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Why a waiver's expiry cannot be used, or undefined when it can. */
export function expiryIssue(text: string): string | undefined {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return 'must be a date, YYYY-MM-DD';
	if (!isCalendarDate(text)) return `${text} is not a calendar date`;
	return undefined;
}

/** Whitespace alone is not a justification, nor an approver. */
export function isBlank(text: string): boolean {
	return text.trim().length === 0;
}

export type GlobMatcher = (subject: string) => boolean;

/**
 * A waiver target pattern: `*` any run of characters (`/` and `:` included), `?` exactly one
 * character, everything else literal. Matched with the two-cursor wildcard algorithm: on a
 * mismatch only the most recent `*` absorbs one more character, so a pattern with twenty `*`
 * costs no more than one with a single `*` (at most pattern × subject steps, no regex engine).
 */
export function compileGlob(pattern: string): GlobMatcher {
	// Runs of `*` are one `*`; code points, so `?` is one character even outside the BMP.
	const tokens = [...pattern].filter((char, index, all) => !(char === '*' && all[index - 1] === '*'));
	return (subject) => {
		const text = [...subject];
		let t = 0;
		let p = 0;
		let star = -1;
		let resume = 0;
		while (t < text.length) {
			const token = tokens[p];
			if (token !== undefined && token !== '*' && (token === '?' || token === text[t])) {
				t++;
				p++;
			} else if (token === '*') {
				star = p++;
				resume = t;
			} else if (star >= 0) {
				p = star + 1;
				t = ++resume;
			} else {
				return false;
			}
		}
		while (tokens[p] === '*') p++;
		return p === tokens.length;
	};
}
