/**
 * The expected kind of fatal error: the run cannot do its job for a reason the operator can fix.
 * It prints as one line plus a next step and exits 2. Anything else is a bug and keeps its stack.
 */
export class UsageError extends Error {
	readonly nextStep: string | undefined;
	constructor(message: string, nextStep?: string) {
		super(message);
		this.name = 'UsageError';
		this.nextStep = nextStep;
	}
}

export function isUsageError(error: unknown): error is UsageError {
	return error instanceof UsageError;
}
