/** A container image reference split the way the container runtime reads it. */
export type ImageRef = {
	readonly registry: string;
	readonly repository: string;
	readonly tag: string;
	readonly digest: string;
};

/**
 * Docker's rules: the first path part is a registry only when it looks like a host (has a dot or
 * a port, or is localhost); otherwise the image is on Docker Hub, which is `docker.io`.
 */
export function parseImageRef(image: string): ImageRef {
	let rest = image.trim();
	let digest = '';
	const at = rest.indexOf('@');
	if (at >= 0) {
		digest = rest.slice(at + 1);
		rest = rest.slice(0, at);
	}
	let registry = 'docker.io';
	const slash = rest.indexOf('/');
	if (slash > 0) {
		const first = rest.slice(0, slash);
		if (first.includes('.') || first.includes(':') || first === 'localhost') {
			registry = first.toLowerCase();
			rest = rest.slice(slash + 1);
		}
	}
	let tag = '';
	const colon = rest.lastIndexOf(':');
	if (colon > rest.lastIndexOf('/')) {
		tag = rest.slice(colon + 1);
		rest = rest.slice(0, colon);
	}
	if (registry === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`;
	return {registry, repository: rest, tag, digest};
}
