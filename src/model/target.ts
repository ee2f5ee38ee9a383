/** What a finding is about; the JSON report's `target` (DESIGN §7). */
export type Target =
	| {readonly cluster: true}
	| {readonly kind: string; readonly namespace?: string; readonly name: string; readonly container?: string}
	| {readonly namespace: string}
	| {readonly node: string};

/** A stable one-line key for a target: used by golden cases, waivers and diffs. */
export function targetKey(target: Target): string {
	if ('cluster' in target) return 'cluster';
	if ('node' in target) return `node/${target.node}`;
	if ('kind' in target) {
		const base = target.namespace ? `${target.kind}/${target.namespace}/${target.name}` : `${target.kind}/${target.name}`;
		return target.container ? `${base}:${target.container}` : base;
	}
	return `Namespace/${target.namespace}`;
}
