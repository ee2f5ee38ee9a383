/**
 * The last line of defence for secret values: checks already report names and keys only, but any
 * value the gatherer saw in a secret-bearing place is scrubbed from every rendered output too.
 */
export class Redactor {
	readonly #values = new Set<string>();

	/** Remember a sensitive value; very short ones would scrub ordinary words, so they are kept out. */
	add(value: unknown): void {
		if (typeof value !== 'string') return;
		const trimmed = value.trim();
		if (trimmed.length >= 6) this.#values.add(trimmed);
		for (const line of trimmed.split(/\r?\n/)) {
			const part = line.trim();
			if (part.length >= 12 && !/^-----(BEGIN|END) /.test(part)) this.#values.add(part);
		}
	}

	get size(): number {
		return this.#values.size;
	}

	apply(text: string): string {
		let out = text;
		for (const value of this.#values) if (out.includes(value)) out = out.split(value).join('[redacted]');
		return out;
	}
}

const secretName = /(pass(word)?|pwd|secret|token|api[_-]?key|private[_-]?key|conn(ection)?[_-]?string|credential)/i;
const pemHeader = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** Secret-looking values in workload env literals and ConfigMaps; Secret objects are never bound at all. */
export function collectSensitive(objects: Iterable<Record<string, unknown>>, redactor: Redactor): void {
	const visit = (node: unknown, parentKey: string): void => {
		if (Array.isArray(node)) {
			for (const item of node) visit(item, parentKey);
			return;
		}
		if (!node || typeof node !== 'object') return;
		const record = node as Record<string, unknown>;
		if (parentKey === 'env' && typeof record['name'] === 'string' && secretName.test(record['name'])) redactor.add(record['value']);
		for (const [key, value] of Object.entries(record)) visit(value, key);
	};
	for (const object of objects) {
		if (object['kind'] === 'ConfigMap') {
			for (const [key, value] of Object.entries((object['data'] ?? {}) as Record<string, unknown>)) {
				if (secretName.test(key) || (typeof value === 'string' && pemHeader.test(value))) redactor.add(value);
			}
		} else if (object['kind'] === 'Secret') {
			for (const value of Object.values((object['data'] ?? {}) as Record<string, unknown>)) {
				if (typeof value === 'string') {
					redactor.add(value);
					redactor.add(Buffer.from(value, 'base64').toString('utf8'));
				}
			}
			for (const value of Object.values((object['stringData'] ?? {}) as Record<string, unknown>)) redactor.add(value);
		} else {
			visit(object, '');
		}
	}
}
