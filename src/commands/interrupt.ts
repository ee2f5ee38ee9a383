// Ctrl-C in a headless command: one line saying what was interrupted and what, if anything, was
// written, then exit 130 (128 + SIGINT, as shells expect). Outputs are written whole at the end
// by an atomic rename, so an interrupted run has written nothing unless it says otherwise. A
// command in the middle of changing targets asks to stop gently instead: the change under way
// finishes (a host file is never left half replaced), the rest is not started.

type State = {
	command: string;
	/** What the run has written so far, in words ("nothing was written" until a command says more). */
	written: () => string;
	/** Set while changes are being applied: the first Ctrl-C stops after the current one. */
	stopGently?: (() => void) | undefined;
	/** Clears a live progress line before the message. */
	beforeMessage?: (() => void) | undefined;
};

const state: State = {command: 'aks-harden', written: () => 'nothing was written'};
let isStopping = false;
/** What must be taken back before the process ends (probe pods on the cluster), at most this long. */
const cleanups = new Set<() => Promise<void>>();
const cleanupMs = 15_000;

function exitAfterCleanup(code: number): void {
	if (!cleanups.size) process.exit(code);
	const pending = [...cleanups].map((cleanup) => cleanup().catch(() => undefined));
	const timer = setTimeout(() => process.exit(code), cleanupMs);
	void Promise.all(pending).then(() => {
		clearTimeout(timer);
		process.exit(code);
	});
}

function onSignal(signal: NodeJS.Signals): void {
	if (state.stopGently && !isStopping) {
		isStopping = true;
		state.beforeMessage?.();
		process.stderr.write(`aks-harden: stopping ${state.command} after the change under way (Ctrl-C again stops at once)\n`);
		state.stopGently();
		return;
	}
	state.beforeMessage?.();
	process.stderr.write(`aks-harden: ${state.command} interrupted: ${state.written()}\n`);
	if (cleanups.size && !isStopping) {
		isStopping = true;
		process.stderr.write('aks-harden: deleting what this run created on the cluster (Ctrl-C again stops at once)\n');
		exitAfterCleanup(signal === 'SIGTERM' ? 143 : 130);
		return;
	}
	process.exit(signal === 'SIGTERM' ? 143 : 130);
}

/** Installed once, before a headless command starts (the walkthrough reads Ctrl-C as a key). */
export function handleInterrupts(command: string): void {
	state.command = command;
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
}

export const interrupts = {
	set written(describe: () => string) {
		state.written = describe;
	},
	set stopGently(stop: (() => void) | undefined) {
		state.stopGently = stop;
	},
	set beforeMessage(clear: (() => void) | undefined) {
		state.beforeMessage = clear;
	},
	/** Runs before an interrupted run exits; returns the function that takes it off again. */
	onInterrupt(cleanup: () => Promise<void>): () => void {
		cleanups.add(cleanup);
		return () => cleanups.delete(cleanup);
	},
	/** The message for a run that stopped gently: what was interrupted and what was written. */
	message(): string {
		return `aks-harden: ${state.command} interrupted: ${state.written()}\n`;
	},
};
