/**
 * A deep copy of plain JSON data. Several times faster than structuredClone on the many small
 * objects a cluster holds, which matters when a benchmark loads fourteen thousand of them.
 */
export function clone<T>(value: T): T {
	if (typeof value !== 'object' || value === null) return value;
	if (Array.isArray(value)) return value.map(clone) as T;
	const out: Record<string, unknown> = {};
	for (const [key, child] of Object.entries(value)) out[key] = clone(child);
	return out as T;
}
