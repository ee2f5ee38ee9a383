// Loaded with --import by `npm test`: the whole run, every test file and every process a test
// starts, writes its temporary files under one folder of its own, removed when the run ends.
// Tests still clean up what they make; this is the guarantee that a failed or killed test leaves
// nothing behind in the machine's temp folder.
import {chmodSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const owner = process.env.AKS_HARDEN_TEST_TMP === undefined;
if (owner) {
	const root = mkdtempSync(join(tmpdir(), 'aks-harden-tests-'));
	// Traversable like /tmp itself: some tests run the binary as an unprivileged user.
	chmodSync(root, 0o755);
	process.env.AKS_HARDEN_TEST_TMP = root;
	process.env.TMPDIR = root;
	// The binary keeps Node's compile cache under TMPDIR; one started in a tmux pane can still be
	// writing it after the run ends, which would leave the folder behind.
	process.env.NODE_DISABLE_COMPILE_CACHE = '1';
	// The demo keeps what fixes change in the state folder: no test may read (or change) the user's.
	process.env.AKS_HARDEN_STATE_DIR ??= join(root, 'state');
	process.on('exit', () => remove(root));
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			remove(root);
			process.kill(process.pid, signal);
		});
	}
}

/** Never fails the run: a process still writing there (a compile cache) may race the removal. */
function remove(root: string): void {
	try {
		rmSync(root, {recursive: true, force: true, maxRetries: 3});
	} catch {
		// Left for the machine's temp clean-up; the run's result does not depend on it.
	}
}
