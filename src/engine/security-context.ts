/**
 * Fields a pod-level securityContext sets for every container unless the container overrides
 * them (Kubernetes' PodSecurityContext → SecurityContext inheritance).
 */
const inherited = ['runAsUser', 'runAsGroup', 'runAsNonRoot', 'seLinuxOptions', 'seccompProfile', 'appArmorProfile', 'windowsOptions'] as const;

type Json = Record<string, unknown>;

export function effectiveSecurityContext(podSpec: Json, container: Json): Json {
	const pod = (podSpec['securityContext'] ?? {}) as Json;
	const own = (container['securityContext'] ?? {}) as Json;
	const result: Json = {};
	for (const field of inherited) {
		if (pod[field] !== undefined) result[field] = pod[field];
	}
	for (const [field, value] of Object.entries(own)) {
		if (value === undefined) continue;
		// windowsOptions merges field by field, as the kubelet does.
		if (field === 'windowsOptions' && typeof result[field] === 'object') {
			result[field] = {...(result[field] as Json), ...(value as Json)};
		} else {
			result[field] = value;
		}
	}
	return result;
}
