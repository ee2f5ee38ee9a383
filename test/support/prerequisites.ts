// What a test needs from the machine, in one table: the suite runs on a fresh machine with only
// Node and npm (such tests skip, naming what is missing and the command that installs it), and
// under CI=true a missing prerequisite fails the test instead, so CI never quietly runs less.
import {accessSync, appendFileSync, constants, existsSync} from 'node:fs';
import {delimiter, join, relative} from 'node:path';

export type Prerequisite =
	| 'root'
	| 'sshd'
	| 'netns'
	| 'python3'
	| 'systemd-nspawn'
	| 'debootstrap'
	| 'tmux'
	| 'chromium'
	| 'xmllint'
	| 'kubectl'
	| 'ssh-keygen';

type Rule = {readonly present: () => boolean; readonly what: string; readonly install: string};

const searchPath = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];

function onPath(command: string): boolean {
	return searchPath.some((dir) => {
		if (!dir) return false;
		try {
			accessSync(join(dir, command), constants.X_OK);
			return true;
		} catch {
			return false;
		}
	});
}

const apt = (packages: string) => `sudo apt-get install -y ${packages} (or \`sudo .ci/run\` for everything)`;

const rules: Readonly<Record<Prerequisite, Rule>> = {
	root: {
		present: () => process.getuid?.() === 0,
		what: 'root (network namespaces and overlay mounts)',
		install: 'run the suite as root: `sudo .ci/run`',
	},
	sshd: {present: () => onPath('sshd') && onPath('ssh-keygen') && onPath('sudo'), what: 'OpenSSH sshd, ssh-keygen and sudo', install: apt('openssh-server openssh-client sudo')},
	netns: {present: () => onPath('ip') && onPath('iptables'), what: 'ip and iptables', install: apt('iproute2 iptables')},
	python3: {
		present: () => existsSync('/usr/bin/python3'),
		what: 'python3 with libnetfilter-queue (the latency shaper)',
		install: apt('python3 libnetfilter-queue1'),
	},
	'systemd-nspawn': {present: () => onPath('systemd-nspawn'), what: 'systemd-nspawn', install: apt('systemd-container')},
	debootstrap: {present: () => onPath('debootstrap'), what: 'debootstrap', install: apt('debootstrap')},
	tmux: {present: () => onPath('tmux'), what: 'tmux', install: apt('tmux')},
	chromium: {present: () => chromiumExecutable() !== undefined, what: 'Chromium', install: apt('chromium')},
	'ssh-keygen': {present: () => onPath('ssh-keygen'), what: 'ssh-keygen', install: apt('openssh-client')},
	xmllint: {present: () => onPath('xmllint'), what: 'xmllint', install: apt('libxml2-utils')},
	kubectl: {present: () => onPath('kubectl'), what: 'kubectl', install: 'install kubectl (https://kubernetes.io/docs/tasks/tools/), or `sudo .ci/run`'},
};

/** The system Chromium (Debian package); never a downloaded browser. */
export function chromiumExecutable(): string | undefined {
	return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((path) => {
		try {
			accessSync(path, constants.X_OK);
			return true;
		} catch {
			return false;
		}
	});
}

/**
 * For `test(name, {skip: missing('root', 'sshd')}, …)` and `describe`: false when everything is
 * there; otherwise the skip reason, or, under CI=true, an error that fails the file.
 */
export function missing(...needs: readonly Prerequisite[]): string | false {
	const absent = needs.filter((need) => !rules[need].present());
	if (absent.length === 0) return false;
	const reason = `needs ${absent.map((need) => rules[need].what).join(', ')}: ${[...new Set(absent.map((need) => rules[need].install))].join('; ')}`;
	if (process.env.CI === 'true') throw new Error(`CI=true and a prerequisite is missing: ${reason}`);
	noteSkip(reason);
	return reason;
}

/** Each skip, with its test file, for the run's summary (support/temp-root.ts prints it at the end). */
function noteSkip(reason: string): void {
	const log = process.env.AKS_HARDEN_TEST_SKIPS;
	if (!log) return;
	const file = process.argv.find((arg) => /\.test\.tsx?$/.test(arg)) ?? '(unknown file)';
	try {
		appendFileSync(log, `${JSON.stringify({file: relative(process.cwd(), file), reason})}\n`);
	} catch {
		// The summary is a courtesy: a skip is still reported by the test itself.
	}
}

/** The prerequisites of the SSH test nodes. */
export const sshLabNeeds: readonly Prerequisite[] = ['root', 'sshd', 'netns'];
/** The prerequisites of the systemd test nodes (which are reached over sshd as well). */
export const systemdNodeNeeds: readonly Prerequisite[] = [...sshLabNeeds, 'systemd-nspawn', 'debootstrap'];
