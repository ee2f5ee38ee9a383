/**
 * "Did you mean": the closest candidate by edit distance (a swap of two neighbours counts as one
 * edit, the commonest typo), if it is close enough to be what was meant.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
	let best: string | undefined;
	let bestDistance = Infinity;
	for (const candidate of candidates) {
		const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
		if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
	}
	const allowed = Math.max(1, Math.floor(input.length / 3));
	return bestDistance <= allowed ? best : undefined;
}

/** `; did you mean X?` or nothing, for the end of an error line. */
export function didYouMean(input: string, candidates: readonly string[]): string {
	const match = closest(input, candidates);
	return match ? `; did you mean ${match}?` : '';
}

function editDistance(a: string, b: string): number {
	const rows = a.length + 1;
	const columns = b.length + 1;
	const d: number[][] = Array.from({length: rows}, (_, i) => Array.from({length: columns}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
	for (let i = 1; i < rows; i++) {
		for (let j = 1; j < columns; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
		}
	}
	return d[a.length]![b.length]!;
}
