/** Walk a dotted path (`securityContext.capabilities.add`) through plain JSON. */
export function valueAt(root: unknown, path: readonly string[]): unknown {
	let node = root;
	for (const key of path) {
		if (node === null || typeof node !== 'object') return undefined;
		node = (node as Record<string, unknown>)[key];
	}
	return node;
}

/**
 * Evidence names the object path an auditor can look up (`spec.template.spec.containers[0].…`)
 * and its value; `<unset>` says the field is absent, which is itself the finding for many checks.
 */
export function resolveEvidence(
	paths: readonly string[],
	roots: Readonly<Record<string, {readonly value: unknown; readonly label: string}>>,
): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const path of paths) {
		const [variable, ...rest] = path.split('.');
		const root = roots[variable ?? ''];
		if (!root) continue;
		const label = [root.label, ...rest].filter(Boolean).join('.');
		const value = valueAt(root.value, rest);
		out[label] = value === undefined ? '<unset>' : value;
	}
	return out;
}
