// The sshd fix on Windows nodes, against a stand-in node (no Windows machine or PowerShell runs
// here): it keeps sshd_config, its backups and sshd's restarts in memory, answers `sshd -T` from
// the file's global settings over Win32-OpenSSH's defaults, carries out the fix's read, write and
// restore blocks as the scripts spell them, and can refuse the new file (sshd -t) or the fresh
// login. Real: planning from the audit, the edit, the digests, rollback, re-check, log and undo.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {loadCatalog} from '../../src/catalog/load.js';
import {evaluateNode} from '../../src/engine/evaluate.js';
import {windowsExecCommand} from '../../src/engine/windows-script.js';
import {applyPlan, AuditLog, loadPlaybooks, planFixes, undoChange, type FixContext} from '../../src/fix/index.js';
import type {Finding} from '../../src/model/finding.js';
import type {NodeInfo} from '../../src/model/report.js';
import {windowsSshdHardened} from '../../src/probes/fixtures/windows-server-2022.js';
import {sshNodeSource} from '../../src/transports/node-source.js';
import type {NodeSession, RunOptions} from '../../src/transports/ssh.js';
import {structureProblems} from '../support/powershell-structure.js';

// Win32-OpenSSH's stock sshd_config (abridged), CRLF as the MSI installs it.
const stock = [
	'# This is the sshd server system-wide configuration file.',
	'#Port 22',
	'AuthorizedKeysFile\t.ssh/authorized_keys',
	'#PasswordAuthentication yes',
	'#PermitEmptyPasswords no',
	'Subsystem\tsftp\tsftp-server.exe',
	'',
	'Match Group administrators',
	'       AuthorizedKeysFile __PROGRAMDATA__/ssh/administrators_authorized_keys',
	'',
].join('\r\n');

type Node = {config: string; backups: Map<string, string>; restarts: number; refuseConfig: boolean; refuseLogin: boolean};

/** `sshd -T` as the stand-in computes it: Win32-OpenSSH defaults, then the file's global keywords (first wins). */
function sshdProbe(config: string): string {
	const hardened = JSON.parse(windowsSshdHardened) as {dump: string};
	const values = new Map(hardened.dump.split('\n').map((line) => [line.split(' ')[0]!, line.slice(line.indexOf(' ') + 1)]));
	values.set('passwordauthentication', 'yes');
	const seen = new Set<string>();
	for (const line of config.replace(/\r\n/g, '\n').split('\n')) {
		if (/^\s*match\s/i.test(line)) break;
		const m = /^\s*([A-Za-z]+)\s+(.+?)\s*$/.exec(line);
		if (!m || seen.has(m[1]!.toLowerCase())) continue;
		seen.add(m[1]!.toLowerCase());
		if (values.has(m[1]!.toLowerCase())) values.set(m[1]!.toLowerCase(), m[2]!);
	}
	return `${JSON.stringify({...JSON.parse(windowsSshdHardened), dump: [...values].map(([k, v]) => `${k} ${v}`).join('\n')})}\r\n`;
}

function fixBlock(body: string, node: Node): string {
	const written = /FromBase64String\('([^']*)'\)/.exec(body);
	if (written) {
		const backup = /\$backup = \$path \+ '(\.aks-harden-\w+\.bak)'/.exec(body)![1]!;
		const backupPath = `C:\\ProgramData\\ssh\\sshd_config${backup}`;
		node.backups.set(backupPath, node.config);
		if (node.refuseConfig) return JSON.stringify({ok: false, backup: backupPath, error: '/ProgramData/ssh/sshd_config line 3: Bad configuration option'});
		node.config = Buffer.from(written[1]!, 'base64').toString('utf8');
		node.restarts++;
		return JSON.stringify({ok: true, backup: backupPath, error: ''});
	}
	const restore = /\$backup = '([^']+)'/.exec(body);
	if (restore) {
		const saved = node.backups.get(restore[1]!);
		if (saved === undefined) return JSON.stringify({ok: false, error: 'the backup is gone'});
		node.config = saved;
		node.restarts++;
		return JSON.stringify({ok: true, error: ''});
	}
	assert.match(body, /ReadAllBytes/);
	return JSON.stringify({content: Buffer.from(node.config, 'utf8').toString('base64')});
}

function session(node: Node): NodeSession {
	return {
		async run(script: string, opts?: RunOptions) {
			assert.equal(opts?.command, windowsExecCommand());
			assert.deepEqual(structureProblems(script), [], 'every script sent is balanced');
			const tag = /'__AKH_([A-Za-z0-9]+)_BEGIN '/.exec(script)![1]!;
			let stdout = '';
			for (const [, name, body] of script.matchAll(/^Invoke-AkhProbe '([a-z-]+)' \{\n([\s\S]*?)\n\}$/gm)) {
				const text = name === 'sshd-fix' ? fixBlock(body!, node) : name === 'sshd' ? sshdProbe(node.config) : undefined;
				stdout += `__AKH_${tag}_BEGIN ${name}\n${text ?? ''}\n__AKH_${tag}_STDERR ${name}\n\n__AKH_${tag}_END ${name} ${text === undefined ? 1 : 0}\n`;
			}
			return {stdout: stdout.replace(/\n/g, '\r\n'), stderr: '', code: 0};
		},
		close() {},
	};
}

const info: NodeInfo = {name: 'moc-w7n2k4xq1b', address: '10.0.0.7', os: 'windows', role: 'worker', reachable: true, error: null};
const catalog = loadCatalog();
const playbooks = loadPlaybooks(undefined, catalog);
const check = catalog.byId.get('host.sshd-config')!;

async function audit(node: Node): Promise<Finding> {
	const facts = await sshNodeSource({ssh: {knownHostsPath: '/nonexistent', acceptNewHostKeys: false, timeoutMs: 5000}, connect: async () => session(node)}).gather(info, ['sshd'], new AbortController().signal);
	const findings: Finding[] = [];
	evaluateNode([check], facts, (finding) => findings.push(finding));
	return findings[0]!;
}

function setup() {
	const node: Node = {config: stock, backups: new Map(), restarts: 0, refuseConfig: false, refuseLogin: false};
	let opened = 0;
	const context: FixContext = {
		catalog,
		playbooks,
		settings: {allowedRegistries: []},
		nodes: [info],
		now: () => new Date('2026-12-04T10:00:00Z'),
		transport: {
			openNode: async () => {
				opened++;
				// The fix's own session is the first; the fresh login after the restart is a later one.
				if (node.refuseLogin && node.restarts > 0 && opened > 2) throw new Error('Permission denied (publickey)');
				return session(node);
			},
		},
	};
	return {node, context, log: new AuditLog([join(mkdtempSync(join(tmpdir(), 'akh-winsshd-')), 'changes.jsonl')])};
}

test('Windows sshd: PasswordAuthentication no goes before Match, is validated, sshd restarts, a fresh login works; undo puts the backup back', async () => {
	const {node, context, log} = setup();
	const finding = await audit(node);
	assert.equal(finding.status, 'fail');
	const [plan] = await planFixes([finding], context);
	assert.equal(plan!.status, 'ready', plan!.reason);
	assert.equal(plan!.playbooks[0]!.id, 'host.windows-sshd-hardening');
	assert.match(plan!.changes[0]!.diff, / \n\+PasswordAuthentication no\n Match Group administrators/);
	assert.equal(node.restarts, 0, 'planning restarts nothing');
	const [result] = await applyPlan(plan!, {context, confirmedCount: 1, log});
	assert.equal(result!.outcome, 'applied', result!.message);
	assert.match(result!.message, /validated, sshd restarted and a fresh login works; the check passes now/);
	assert.equal(node.restarts, 1);
	assert.ok(node.config.includes('PasswordAuthentication no\r\n'), 'CRLF kept');
	assert.equal((await audit(node)).status, 'pass');
	const undone = await undoChange(result!.logId!, {context, log});
	assert.equal(undone.outcome, 'undone', undone.message);
	assert.equal(node.config, stock);
	assert.equal((await audit(node)).status, 'fail');
});

test('Windows sshd: a file sshd -t refuses is never restarted with, and the backup stays in place', async () => {
	const {node, context, log} = setup();
	node.refuseConfig = true;
	const [plan] = await planFixes([await audit(node)], context);
	const [result] = await applyPlan(plan!, {context, confirmedCount: 1, log});
	assert.equal(result!.outcome, 'rolled-back');
	assert.match(result!.message, /sshd -t refused the new file .*Bad configuration option.*sshd was not restarted/);
	assert.equal(node.config, stock);
	assert.equal(node.restarts, 0);
});

test('Windows sshd: a fresh login that fails after the restart puts the backup back and restarts sshd again', async () => {
	const {node, context, log} = setup();
	node.refuseLogin = true;
	const [plan] = await planFixes([await audit(node)], context);
	const [result] = await applyPlan(plan!, {context, confirmedCount: 1, log});
	assert.equal(result!.outcome, 'rolled-back', result!.message);
	assert.match(result!.message, /a fresh login failed after the restart \(cannot reach moc-w7n2k4xq1b: Permission denied \(publickey\)\); the backup was put back and sshd restarted/);
	assert.equal(node.config, stock);
	assert.equal(node.restarts, 2);
});
