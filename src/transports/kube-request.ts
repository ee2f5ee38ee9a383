// One request to the API server through @kubernetes/client-node's own pipeline — its request
// context, its authentication (token, client certificate, exec plugin), the configured middleware
// (the per-request deadline) and its HTTP library — for the calls its typed APIs do not cover:
// writes whose `Warning` headers matter, /readyz and /version. No other HTTPS client talks to it.
import type {Configuration, HttpMethod, KubeConfig, RequestContext, ResponseContext} from '@kubernetes/client-node';

export type KubeRequest = {
	readonly method: HttpMethod;
	readonly path: string;
	readonly query?: Readonly<Record<string, string | undefined>>;
	readonly body?: string;
	readonly contentType?: string;
	readonly accept?: string;
};

export type KubeAnswer = {readonly status: number; readonly body: string; readonly headers: Readonly<Record<string, string>>};

/** Transport failures (unreachable, TLS, deadline) reject as the client raises them; any HTTP status resolves. */
export async function kubeRequest(config: KubeConfig, configuration: Configuration, request: KubeRequest): Promise<KubeAnswer> {
	let context: RequestContext = configuration.baseServer.makeRequestContext(request.path, request.method);
	for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) context.setQueryParam(name, value);
	context.setHeaderParam('Accept', request.accept ?? 'application/json');
	if (request.body !== undefined) {
		context.setHeaderParam('Content-Type', request.contentType ?? 'application/json');
		context.setBody(request.body);
	}
	await config.applySecurityAuthentication(context);
	for (const middleware of configuration.middleware) context = await middleware.pre(context).toPromise();
	let response: ResponseContext = await configuration.httpApi.send(context).toPromise();
	for (const middleware of configuration.middleware) response = await middleware.post(response).toPromise();
	return {status: response.httpStatusCode, body: await response.body.text(), headers: response.headers};
}
