// The client's own HTTP library (undici's fetch, with the TLS settings the kubeconfig gives),
// with one change: an answer's body is read up to a limit. Lists come in pages of 500 objects,
// a few MB each, so a body far beyond that is no Kubernetes answer, and an endless one (a server
// that is not an API server, or a hostile one) would otherwise fill the memory until the
// request's deadline: over 5 GB in 20 s on a fast link.
import {IsomorphicFetchHttpLibrary, ResponseContext, wrapHttpLibrary, type HttpLibrary, type RequestContext} from '@kubernetes/client-node';

/** One answer from the API server, at most. */
export const maxResponseBytes = 64 * 1024 * 1024;

/** An answer over the limit; `code` lets connectionError() name it. */
export class ResponseTooLarge extends Error {
	override readonly name = 'ResponseTooLarge';
	readonly code = 'ERESPONSETOOLARGE';
	constructor(readonly limitBytes: number) {
		super(`an answer over ${Math.round(limitBytes / (1024 * 1024))} MB to one request`);
	}
}

async function readCapped(stream: ReadableStream<Uint8Array> | null | undefined, limitBytes: number): Promise<Buffer> {
	if (!stream) return Buffer.alloc(0);
	const reader = stream.getReader();
	const chunks: Uint8Array[] = [];
	let total = 0;
	for (;;) {
		const {done, value} = await reader.read();
		if (done) break;
		total += value.byteLength;
		if (total > limitBytes) {
			// Cancelling the body closes the connection: nothing more is received.
			await reader.cancel().catch(() => undefined);
			throw new ResponseTooLarge(limitBytes);
		}
		chunks.push(value);
	}
	return Buffer.concat(chunks);
}

export function boundedHttpLibrary(limitBytes = maxResponseBytes): HttpLibrary {
	const inner = new IsomorphicFetchHttpLibrary();
	return wrapHttpLibrary({
		async send(request: RequestContext): Promise<ResponseContext> {
			const response = await inner.send(request).toPromise();
			const body = response.body as {stream(): ReadableStream<Uint8Array> | null};
			return new ResponseContext(response.httpStatusCode, response.headers, {
				text: async () => (await readCapped(body.stream(), limitBytes)).toString('utf8'),
				binary: () => readCapped(body.stream(), limitBytes),
				// Nothing of ours streams an answer (watches, logs); kept for the client's typings.
				stream: () => body.stream(),
			} as ResponseContext['body']);
		},
	});
}
