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

let commandName: string | undefined;

/** The command being run (none for the walkthrough), so an option's error points to its own help. */
export function setCommandName(name: string | undefined): void {
	commandName = name;
}

/** The next step of a bad option value: the help of the command it was given to. */
export function optionHelp(): string {
	return commandName ? `see \`aks-harden ${commandName} --help\`` : 'see `aks-harden --help`';
}

export function isUsageError(error: unknown): error is UsageError {
	return error instanceof UsageError;
}

const fileProblems: Readonly<Record<string, string>> = {
	ENOENT: 'no such file or folder',
	EACCES: 'permission denied',
	EPERM: 'operation not permitted',
	EISDIR: 'it is a folder, not a regular file',
	ENOTDIR: 'a part of the path is not a folder',
	ELOOP: 'too many symbolic links (a loop?)',
	ENAMETOOLONG: 'the path is too long',
	EMFILE: 'too many open files',
	ENOSPC: 'no space left on the device',
	EDQUOT: 'the disk quota is used up',
	EROFS: 'the file system is read-only',
	EBUSY: 'the file is busy',
	EEXIST: 'it already exists',
	ENXIO: 'nothing behind it to write to (a named pipe with no reader?)',
};

/** A file system error in words ("permission denied"), never a raw errno code. */
export function fileProblem(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	if (code && fileProblems[code]) return fileProblems[code];
	return code ? `the system refused it (${code})` : error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/**
 * The cluster or a node could not be reached or refused us: the arguments were fine, the
 * environment is not. One line with the reason in full and a next step; exit 2 headless, a
 * screen of its own in the walkthrough. Never a reason to fall back to the demo.
 */
export class ConnectionError extends Error {
	readonly nextStep: string | undefined;
	constructor(message: string, nextStep?: string) {
		super(message);
		this.name = 'ConnectionError';
		this.nextStep = nextStep;
	}
}

/** The API server said no to a fix's request: its reason, as it said it, and any warnings it sent along. */
export class KubeRejection extends Error {
	override readonly name = 'KubeRejection';
	constructor(
		readonly status: number,
		readonly reason: string,
		message: string,
		readonly warnings: readonly string[] = [],
	) {
		super(message);
	}
}
