import {qualifiedName, type ApiResource} from './resource-table.js';

export type StatusDetails = {readonly name?: string; readonly group?: string; readonly kind?: string; readonly causes?: readonly unknown[]};

/** A failure the server answers with a `v1 Status`, in the wording kubectl users know. */
export class ApiError extends Error {
	constructor(
		readonly code: number,
		readonly reason: string,
		message: string,
		readonly details?: StatusDetails,
	) {
		super(message);
	}

	toStatus(): Record<string, unknown> {
		return {
			kind: 'Status',
			apiVersion: 'v1',
			metadata: {},
			status: 'Failure',
			message: this.message,
			reason: this.reason,
			...(this.details ? {details: this.details} : {}),
			code: this.code,
		};
	}
}

type Target = Pick<ApiResource, 'group' | 'plural'>;

function details(resource: Target, name?: string): StatusDetails {
	return {...(name !== undefined ? {name} : {}), group: resource.group, kind: resource.plural};
}

export const errors = {
	notFound: (resource: Target, name: string) =>
		new ApiError(404, 'NotFound', `${qualifiedName(resource)} "${name}" not found`, details(resource, name)),
	pathNotFound: () => new ApiError(404, 'NotFound', 'the server could not find the requested resource'),
	alreadyExists: (resource: Target, name: string) =>
		new ApiError(409, 'AlreadyExists', `${qualifiedName(resource)} "${name}" already exists`, details(resource, name)),
	conflict: (resource: Target, name: string) =>
		new ApiError(
			409,
			'Conflict',
			`Operation cannot be fulfilled on ${qualifiedName(resource)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
			details(resource, name),
		),
	methodNotAllowed: (verb: string) => new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${verb})`),
	unsupportedMediaType: (accepted: readonly string[]) =>
		new ApiError(
			415,
			'UnsupportedMediaType',
			`the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
		),
	invalid: (kind: string, name: string, message: string, group = '') =>
		new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${message}`, {name, group, kind}),
	badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
	unauthorized: () => new ApiError(401, 'Unauthorized', 'Unauthorized'),
	forbidden: (user: string, verb: string, resource: Target, namespace: string | undefined, name?: string) => {
		const subject = name === undefined ? qualifiedName(resource) : `${qualifiedName(resource)} "${name}"`;
		const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
		return new ApiError(
			403,
			'Forbidden',
			`${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource.plural}" in API group "${resource.group}" ${scope}`,
			details(resource, name),
		);
	},
	gone: (message: string) => new ApiError(410, 'Expired', message),
};
