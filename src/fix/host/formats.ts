// Format-aware edits of host configuration files. Each editor changes the lines it must and
// keeps everything else (comments, order, blank lines) as the operator wrote it. Pure: text in,
// text out.
import {parse as parseToml} from 'smol-toml';
import {isMap, parseDocument} from 'yaml';
import type {FileFormat} from '../playbook.js';

export type Setting = {readonly key: string; readonly value: string | number | boolean | readonly string[]};

const header = (playbook: string) => `# Written by aks-harden (playbook ${playbook}). An AKS hybrid upgrade or node reimage discards it.\n`;

export function render(value: Setting['value']): string {
	if (Array.isArray(value)) return value.join(',');
	return typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
}

/**
 * sshd_config: `Keyword value` lines, keywords case-insensitive, the first value read wins, and
 * everything after a `Match` line is conditional. A keyword is replaced where it is first set
 * globally; a new one goes before the first Match block so it stays global.
 */
export function setSshdKeywords(text: string, settings: readonly Setting[]): string {
	const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
	const matchAt = lines.findIndex((line) => /^\s*match\s/i.test(line));
	const globalEnd = matchAt < 0 ? lines.length : matchAt;
	const added: string[] = [];
	for (const setting of settings) {
		const keyword = setting.key.toLowerCase();
		const index = lines.slice(0, globalEnd).findIndex((line) => {
			const match = /^\s*([A-Za-z]+)(\s+|\s*=\s*)/.exec(line);
			return match?.[1]!.toLowerCase() === keyword;
		});
		const line = `${setting.key} ${render(setting.value)}`;
		if (index >= 0) {
			const indent = /^\s*/.exec(lines[index]!)![0];
			lines[index] = `${indent}${line}`;
		} else {
			added.push(line);
		}
	}
	lines.splice(globalEnd, 0, ...added);
	return `${lines.join('\n')}\n`;
}

/**
 * Inside `Match` blocks a keyword wins over the global value for the clients the block matches
 * (`Match Address 0.0.0.0/0` + `PasswordAuthentication yes` turns passwords back on for
 * everyone). Lines there that set one of the settings to another value get the wanted value;
 * the Match lines themselves, and every other keyword, stay as written.
 */
export function setSshdMatchKeywords(text: string, settings: readonly Setting[]): string {
	const lines = text.split('\n');
	let inMatch = false;
	for (let index = 0; index < lines.length; index++) {
		const line = lines[index]!;
		if (/^\s*match\s/i.test(line)) {
			inMatch = !/^\s*match\s+all\s*(#.*)?$/i.test(line);
			continue;
		}
		if (!inMatch) continue;
		const match = /^(\s*)([A-Za-z]+)(\s+|\s*=\s*)(.*?)\s*$/.exec(line);
		if (!match) continue;
		const setting = settings.find((candidate) => candidate.key.toLowerCase() === match[2]!.toLowerCase());
		if (!setting || match[4]!.toLowerCase() === render(setting.value).toLowerCase()) continue;
		lines[index] = `${match[1]}${setting.key} ${render(setting.value)}`;
	}
	return lines.join('\n');
}

/** The first global value of a keyword in one sshd file, if it sets it. */
export function sshdKeywordLine(text: string, keyword: string): number | undefined {
	const lines = text.split('\n');
	for (let index = 0; index < lines.length; index++) {
		const line = lines[index]!;
		if (/^\s*match\s/i.test(line)) return undefined;
		const match = /^\s*([A-Za-z]+)(\s+|\s*=\s*)/.exec(line);
		if (match?.[1]!.toLowerCase() === keyword.toLowerCase()) return index;
	}
	return undefined;
}

/** `Include` patterns of an sshd file, relative ones resolved against /etc/ssh as sshd does. */
export function sshdIncludes(text: string): Array<{pattern: string; line: number}> {
	const out: Array<{pattern: string; line: number}> = [];
	const lines = text.split('\n');
	for (let index = 0; index < lines.length; index++) {
		const line = lines[index]!;
		if (/^\s*match\s/i.test(line)) break;
		const match = /^\s*include\s+(.+)$/i.exec(line);
		if (!match) continue;
		for (const word of match[1]!.trim().split(/\s+/)) out.push({pattern: word.startsWith('/') ? word : `/etc/ssh/${word}`, line: index});
	}
	return out;
}

export function globMatches(pattern: string, path: string): boolean {
	const source = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replaceAll('*', '[^/]*').replaceAll('?', '[^/]').replace(/\[!/g, '[^');
	return new RegExp(`^${source}$`).test(path);
}

/** sysctl.d: `key = value`, keys with dots or slashes, `-key` ignoring errors; comments with # or ;. */
export function setSysctlKeys(text: string, settings: readonly Setting[], separator = ' = '): string {
	const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
	const normal = (key: string) => key.replace(/^-/, '').replaceAll('/', '.');
	for (const setting of settings) {
		const index = lines.findIndex((line) => {
			const match = /^\s*(-?[\w./-]+)\s*=/.exec(line);
			return match !== null && normal(match[1]!) === normal(setting.key);
		});
		const line = `${setting.key}${separator}${render(setting.value)}`;
		if (index >= 0) lines[index] = line;
		else lines.push(line);
	}
	return `${lines.join('\n')}\n`;
}

export function parseSysctlFile(text: string): {values: Record<string, string>; errors: string[]} {
	const values: Record<string, string> = {};
	const errors: string[] = [];
	text.split('\n').forEach((raw, index) => {
		const line = raw.trim();
		if (!line || line.startsWith('#') || line.startsWith(';')) return;
		const match = /^(-?[\w./-]+)\s*=\s*(.*)$/.exec(line);
		if (!match) errors.push(`line ${index + 1}: not "key = value": ${line}`);
		else values[match[1]!.replace(/^-/, '').replaceAll('/', '.')] = match[2]!.trim();
	});
	return {values, errors};
}

function tomlValue(value: Setting['value']): string {
	if (Array.isArray(value)) return `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
	if (typeof value === 'boolean' || typeof value === 'number') return String(value);
	return JSON.stringify(value);
}

/**
 * TOML `table.key` (the last dot separates the key from its table, quoted parts allowed):
 * replaces the key's line inside its table, else adds it at the end of the table, else adds the
 * table. Lines are edited in place so comments and the rest of the file stay as written.
 */
export function setTomlKeys(text: string, settings: readonly Setting[]): string {
	let lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
	for (const setting of settings) {
		const parts = splitTomlKey(setting.key);
		const key = parts.pop()!;
		const table = parts.join('.');
		const headerAt = table === '' ? -1 : lines.findIndex((line) => normaliseTable(line) === table);
		const start = headerAt + 1;
		let end = lines.findIndex((line, index) => index >= start && /^\s*\[/.test(line));
		if (end < 0) end = lines.length;
		const keyAt = lines.findIndex((line, index) => index >= start && index < end && tomlKeyOf(line) === key);
		const line = `${quoteKey(key)} = ${tomlValue(setting.value)}`;
		if (table !== '' && headerAt < 0) {
			lines = [...lines, ...(lines.length ? [''] : []), `[${parts.map(quoteKey).join('.')}]`, `  ${line}`];
		} else if (keyAt >= 0) {
			const indent = /^\s*/.exec(lines[keyAt]!)![0];
			lines[keyAt] = `${indent}${line}`;
		} else {
			let insertAt = end;
			while (insertAt > start && lines[insertAt - 1]!.trim() === '') insertAt--;
			lines.splice(insertAt, 0, `${table === '' ? '' : '  '}${line}`);
		}
	}
	return `${lines.join('\n')}\n`;
}

function splitTomlKey(key: string): string[] {
	const parts: string[] = [];
	const pattern = /"((?:[^"\\]|\\.)*)"|([^.]+)/g;
	for (const match of key.matchAll(pattern)) parts.push(match[1] ?? match[2]!);
	return parts;
}

function quoteKey(key: string): string {
	return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

function normaliseTable(line: string): string | undefined {
	const match = /^\s*\[([^[\]]+)\]\s*(#.*)?$/.exec(line);
	return match ? splitTomlKey(match[1]!.replace(/\s*\.\s*/g, '.').trim()).join('.') : undefined;
}

function tomlKeyOf(line: string): string | undefined {
	const match = /^\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9_-]+)\s*=/.exec(line);
	if (!match) return undefined;
	return match[1]!.startsWith('"') ? (JSON.parse(match[1]!) as string) : match[1];
}

/** YAML: `a.b.c` set through the document model, which keeps comments and key order. */
export function setYamlKeys(text: string, settings: readonly Setting[]): string {
	const doc = parseDocument(text);
	if (doc.errors.length) throw new Error(`not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
	if (!isMap(doc.contents) && doc.contents !== null) throw new Error('the YAML document is not a mapping');
	for (const setting of settings) doc.setIn(setting.key.split('.'), Array.isArray(setting.value) ? [...setting.value] : setting.value);
	return doc.toString();
}

/** The new content of a file for a format; a file that does not exist yet starts with a header. */
export function editFile(format: FileFormat, current: string | undefined, settings: readonly Setting[], playbook: string): string {
	const start = current ?? (format === 'yaml' ? '' : header(playbook));
	switch (format) {
		case 'sshd':
			return setSshdKeywords(start, settings);
		case 'sysctl':
			return setSysctlKeys(start, settings);
		case 'toml':
			return setTomlKeys(start, settings);
		case 'yaml':
			return setYamlKeys(start, settings);
		case 'drop-in':
			// A drop-in aks-harden owns: `key=value` lines, systemd and env-file style.
			return setSysctlKeys(start, settings, '=');
	}
}

/** Parses the written text back: a syntax error found here restores the backup. */
export function parseCheck(format: 'toml' | 'yaml' | 'sysctl', text: string): string | undefined {
	try {
		if (format === 'toml') parseToml(text);
		else if (format === 'yaml') {
			const doc = parseDocument(text);
			if (doc.errors.length) return doc.errors[0]!.message.split('\n')[0];
		} else {
			const {errors} = parseSysctlFile(text);
			if (errors.length) return errors[0];
		}
		return undefined;
	} catch (error) {
		return error instanceof Error ? error.message.split('\n')[0] : String(error);
	}
}
