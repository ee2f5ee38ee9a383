// The demo's node adapter: a session that answers the scripts aks-harden sends to a Linux node
// (the probe script, and the constant scripts of src/fix/host/remote.ts) against the node's
// simulated files. Host fixes on the demo therefore go through exactly the code a real node
// gets — plan, backup, temp file, rename, `sshd -t`, reload, re-check, undo — and what they write
// is what the next probe run reads. A script the demo does not simulate fails as a real node
// would fail a missing command (exit 127 and one line), never a silent success.
import {createHash} from 'node:crypto';
import {watchedPaths} from '../probes/file-modes.js';
import type {RecordedNode} from '../probes/recorded.js';
import {MISSING, SECTION} from '../probes/shell.js';
import type {NodeShell, RunResult} from '../transports/interfaces.js';
import {expandGlob, idOf, type SimFile, type SimNode} from './node-files.js';
import {sshdDump, sshdTest} from './node-sshd.js';
import {initialUnits, runUnitScript, servicesOutput} from './node-units.js';

export type DemoNodeState = {
	readonly recording: RecordedNode;
	readonly files: SimNode;
	/** Called after every change to the node's files (the demo saves its state there). */
	readonly onChange: () => void;
};

const ok = (stdout = ''): RunResult => ({stdout, stderr: '', code: 0});
const fail = (code: number, stderr: string): RunResult => ({stdout: '', stderr: stderr.endsWith('\n') ? stderr : `${stderr}\n`, code});

/** The words of `set -- 'a' 'b'` (single-quoted by shellQuote, `'\''` for a quote inside). */
function parseArgs(line: string): string[] {
	const out: string[] = [];
	const re = /'((?:[^']|'\\'')*)'/g;
	for (const match of line.slice('set -- '.length).matchAll(re)) out.push(match[1]!.replaceAll(`'\\''`, "'"));
	return out;
}

/** A remote.ts script: the preamble, `set -- args`, then a constant body. */
function split(script: string): {args: string[]; body: string} {
	const lines = script.split('\n');
	const at = lines.findIndex((line) => line.startsWith('set -- ') || line === 'set --');
	if (at < 0) return {args: [], body: script.trim()};
	return {args: parseArgs(lines[at]!), body: lines.slice(at + 1).join('\n').trim()};
}

export class DemoNodeShell implements NodeShell {
	readonly #state: DemoNodeState;
	#closed = false;

	constructor(state: DemoNodeState) {
		this.#state = state;
	}

	get #node(): SimNode {
		return this.#state.files;
	}

	close(): void {
		this.#closed = true;
	}

	async run(script: string): Promise<RunResult> {
		if (this.#closed) throw new Error(`${this.#state.recording.name}: session closed`);
		if (script.includes('akh_run() {')) return ok(this.#probes(script));
		if (script.trim() === 'exit 0') return ok();
		const {args, body} = split(script);
		const [a = '', b = '', c = ''] = args;
		const files = this.#node.files;
		if (body.startsWith('if [ ! -e "$1" ]; then echo ABSENT; exit 0; fi')) {
			const file = files[a];
			if (!file) return ok('ABSENT\n');
			return ok(`FILE ${file.mode} ${idOf(file.owner)} ${idOf(file.group)} ${file.owner} ${file.group}\n${Buffer.from(file.content, 'utf8').toString('base64')}`);
		}
		if (body.startsWith('for f in $1; do [ -e "$f" ]')) return ok(expandGlob(this.#node, a).map((path) => `${path}\n`).join(''));
		if (body.includes('cp -a -- "$1" "$b"')) {
			if (!files[a]) return fail(1, `cp: cannot stat '${a}': No such file or directory`);
			let backup = b;
			for (let n = 2; files[backup]; n++) backup = `${b.replace(/\.bak$/, '')}-${n}.bak`;
			this.#write(backup, {...files[a]!});
			return ok(`${backup}\n`);
		}
		if (body.includes('| base64 -d > "$2"')) {
			const encoded = /printf '%s' '([A-Za-z0-9+/=]*)'/.exec(body)?.[1] ?? '';
			const content = Buffer.from(encoded, 'base64').toString('utf8');
			const like = files[a];
			this.#write(b, like ? {content, mode: like.mode, owner: like.owner, group: like.group} : {content, mode: c.replace(/^0(?=\d)/, ''), owner: 'root', group: 'root'});
			const got = createHash('sha256').update(content).digest('hex');
			if (got !== args[3]) return fail(5, `temp file is incomplete (sha256 ${got})`);
			return ok();
		}
		if (body.startsWith('mv -f -- "$1" "$2"')) return this.#move(a, b);
		if (body.includes('backup $1 is missing')) {
			if (!files[a]) return fail(3, `backup ${a} is missing`);
			this.#write(c, {...files[a]!});
			return ok();
		}
		if (body === 'rm -f -- "$1"') {
			if (files[a]) this.#remove(a);
			return ok();
		}
		if (body.includes('"$s" -t 2>&1')) {
			const result = sshdTest(this.#node);
			return {stdout: result.output, stderr: '', code: result.code};
		}
		if (body.includes('systemctl reload sshd')) return ok();
		if (body === 'augenrules --load 2>&1') return this.#loadAuditRules();
		// The node-safe rollout's restart and health check: the demo's kubelet and containerd come
		// back at once, reading the files the fix wrote (the kubelet probe then shows them).
		if (body === 'systemctl restart -- "$1" 2>&1' && (a === 'kubelet' || a === 'containerd')) return ok();
		if (body.startsWith('systemctl is-active --quiet -- "$1"') && (a === 'kubelet' || a === 'containerd')) return ok();
		if (body.startsWith("[ -e \"$1\" ] || { echo ABSENT; exit 0; }\nstat -L -c '%a %U %G'")) {
			const file = files[a];
			return ok(file ? `${file.mode} ${file.owner} ${file.group}\n` : 'ABSENT\n');
		}
		if (body === 'chown -- "$3" "$1" && chmod -- "$2" "$1"') {
			const file = files[a];
			if (!file) return fail(1, `chown: cannot access '${a}': No such file or directory`);
			const [owner = 'root', group = 'root'] = c.split(':');
			this.#write(a, {...file, mode: b.replace(/^0+(?=\d)/, ''), owner, group});
			return ok();
		}
		const units = (this.#node.units ??= initialUnits(this.#state.recording));
		const before = JSON.stringify(units);
		const unitResult = runUnitScript(units, body, args);
		if (unitResult) {
			if (JSON.stringify(units) !== before) this.#state.onChange();
			return unitResult;
		}
		const first = body.split('\n').find((line) => line.trim()) ?? '';
		return fail(127, `demo node ${this.#state.recording.name}: this step is not simulated on the demo (${first.slice(0, 60)}); try it on a real node`);
	}

	/** The node script's frames: sshd and file modes computed from the files, the rest as recorded. */
	#probes(script: string): string {
		const marker = /__AKH_([A-Za-z0-9]+)_BEGIN/.exec(script)?.[1] ?? '';
		const tag = `__AKH_${marker}`;
		const names = [...script.matchAll(/^akh_run ([a-z][a-z0-9-]*) /gm)].map((match) => match[1]!);
		let out = '';
		for (const name of names) {
			const output = this.#probeOutput(name);
			out += `${tag}_BEGIN ${name}\n${output ?? ''}\n${tag}_STDERR ${name}\n${output === undefined ? `sh: ${name}: not recorded on this demo node` : ''}\n${tag}_END ${name} ${output === undefined ? 127 : 0}\n`;
		}
		return out;
	}

	#probeOutput(name: string): string | undefined {
		if (name === 'sshd') return `${sshdDump(this.#node)}\n`;
		if (name === 'file-modes') return this.#fileModes();
		const recorded = this.#state.recording.probes[name];
		if (name === 'auditd' && recorded !== undefined) return this.#auditd(recorded);
		if (name === 'services' && recorded !== undefined) return servicesOutput(recorded, (this.#node.units ??= initialUnits(this.#state.recording)));
		return name === 'kubelet-config' && recorded !== undefined ? this.#withFiles(recorded) : recorded;
	}

	/** augenrules: every rule of /etc/audit/rules.d/*.rules, in file order, loaded into the kernel. */
	#loadAuditRules(): RunResult {
		const rules: string[] = [];
		for (const path of expandGlob(this.#node, '/etc/audit/rules.d/*.rules')) {
			for (const line of this.#node.files[path]!.content.split('\n')) {
				const rule = line.trim();
				// Control lines (-D, -b, -f, --backlog_wait_time…) set the kernel up; auditctl -l lists rules only.
				if (/^-(w|a|A)\s/.test(rule)) rules.push(rule);
			}
		}
		this.#node.auditRules = rules;
		this.#state.onChange();
		return ok(`No rules\nenabled 1\nfailure 1\n`);
	}

	/** The auditd probe: the daemon as recorded, the loaded rules and the rule files as they are now. */
	#auditd(recorded: string): string {
		const daemon = recorded.slice(0, recorded.indexOf(`${SECTION} loaded`));
		const paths = recorded.slice(recorded.indexOf(`${SECTION} paths`));
		const loaded = this.#node.auditRules ?? [];
		const files = expandGlob(this.#node, '/etc/audit/rules.d/*.rules').map((path) => `${SECTION} rules ${path}\n${this.#node.files[path]!.content}\n`);
		return `${daemon}${SECTION} loaded 0\n${loaded.length ? loaded.join('\n') : 'No rules'}\n${files.join('')}${paths}`;
	}

	/** The recorded kubelet output with each file section (`config PATH`, `env PATH`) as the file is now. */
	#withFiles(recorded: string): string {
		const out: string[] = [];
		let skipping = false;
		for (const line of recorded.split('\n')) {
			const header = new RegExp(`^${SECTION} (config|env) (/\\S+)$`).exec(line);
			if (line.startsWith(`${SECTION} `)) skipping = false;
			out.push(...(skipping ? [] : [line]));
			const file = header ? this.#node.files[header[2]!] : undefined;
			if (file) {
				out.push(file.content.replace(/\n$/, ''));
				skipping = true;
			}
		}
		return out.join('\n');
	}

	/** `stat -L -c '%a %U %G %n'` over the watched paths, as the file-modes probe prints it. */
	#fileModes(): string {
		const lines: string[] = [];
		for (const {path} of watchedPaths) {
			const found = expandGlob(this.#node, path);
			if (!found.length) lines.push(`${MISSING} ${path}`);
			for (const file of found) lines.push(`${this.#node.files[file]!.mode} ${this.#node.files[file]!.owner} ${this.#node.files[file]!.group} ${file}`);
		}
		// The kubelet's own files, where its configuration says they are, each under its kind's header.
		const config = '/var/lib/kubelet/config.yaml';
		if (this.#node.files[config]) {
			const text = String(this.#node.files[config]!.content ?? '');
			const clientCa = /^\s*clientCAFile:\s*["']?([^"'\s]+)/m.exec(text)?.[1];
			const kubelet: Array<[string, string]> = [['kubelet-config', config], ['kubelet-kubeconfig', '/etc/kubernetes/kubelet.conf'], ...(clientCa ? [['client-ca', clientCa] as [string, string]] : [])];
			for (const [kind, path] of kubelet) {
				const file = this.#node.files[path];
				lines.push(`${SECTION} kubelet ${kind}`, file ? `${file.mode} ${file.owner} ${file.group} ${path}` : `${MISSING} ${path}`);
			}
		}
		return `${lines.join('\n')}\n`;
	}

	#move(from: string, to: string): RunResult {
		const file = this.#node.files[from];
		if (!file) return fail(1, `mv: cannot stat '${from}': No such file or directory`);
		delete this.#node.files[from];
		this.#write(to, file);
		return ok();
	}

	#write(path: string, file: SimFile): void {
		this.#node.files[path] = file;
		this.#state.onChange();
	}

	#remove(path: string): void {
		delete this.#node.files[path];
		this.#state.onChange();
	}
}
