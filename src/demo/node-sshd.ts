// sshd on a demo node, computed from the node's simulated configuration files the way sshd reads
// them: sshd_config from the top, an Include read where it stands, the first value of a keyword
// kept. `sshd -T` is the image's recorded dump with those values in place; `sshd -t` refuses an
// unknown keyword or a keyword without a value, with sshd's own wording.
import {sshdIncludes} from '../fix/host/formats.js';
import {marinerSshdDump} from '../probes/fixtures/mariner-sshd.js';
import {expandGlob, type SimNode} from './node-files.js';

const mainConfig = '/etc/ssh/sshd_config';
/** Keywords sshd prints once per value; the demo's drop-ins never set them, the image's dump is kept. */
const repeated = new Set(['hostkey', 'listenaddress', 'port', 'acceptenv', 'setenv', 'subsystem', 'allowusers', 'denyusers', 'allowgroups', 'denygroups', 'include', 'channeltimeout']);
/** Keywords sshd accepts that its dump prints under another name or not at all. */
const accepted = new Set(['include', 'match', 'challengeresponseauthentication', 'pubkeyacceptedkeytypes', 'hostbasedacceptedkeytypes']);

type Line = {readonly file: string; readonly number: number; readonly keyword: string; readonly value: string};

function known(): Set<string> {
	return new Set([...marinerSshdDump().split('\n').map((line) => line.split(' ')[0]!).filter(Boolean), ...accepted]);
}

/** The configuration lines sshd reads, in its order, up to the first Match block of each file. */
function configLines(node: SimNode, file = mainConfig, depth = 0): Line[] {
	const text = node.files[file]?.content;
	if (text === undefined || depth > 8) return [];
	const out: Line[] = [];
	const includes = sshdIncludes(text);
	const lines = text.split('\n');
	for (let index = 0; index < lines.length; index++) {
		const line = lines[index]!.trim();
		if (!line || line.startsWith('#')) continue;
		if (/^match\s/i.test(line)) break;
		const match = /^(\S+)(?:\s+|\s*=\s*)?(.*)$/.exec(line);
		if (!match) continue;
		const keyword = match[1]!.toLowerCase();
		if (keyword === 'include') {
			for (const include of includes.filter((entry) => entry.line === index)) {
				for (const path of expandGlob(node, include.pattern)) out.push(...configLines(node, path, depth + 1));
			}
			continue;
		}
		out.push({file, number: index + 1, keyword, value: match[2]!.trim().replace(/^"(.*)"$/, '$1')});
	}
	return out;
}

function printed(keyword: string, value: string): string {
	return /^(yes|no)$/i.test(value) ? value.toLowerCase() : keyword === 'loglevel' ? value.toUpperCase() : value;
}

/** What `sshd -T` prints for this node's files. */
export function sshdDump(node: SimNode): string {
	const first = new Map<string, string>();
	for (const line of configLines(node)) if (!repeated.has(line.keyword) && !first.has(line.keyword)) first.set(line.keyword, printed(line.keyword, line.value));
	return marinerSshdDump(Object.fromEntries(first));
}

/** `sshd -t`: nothing and exit 0, or sshd's complaint and exit 255. */
export function sshdTest(node: SimNode): {code: number; output: string} {
	const keywords = known();
	for (const line of configLines(node)) {
		if (!keywords.has(line.keyword)) return {code: 255, output: `${line.file}: line ${line.number}: Bad configuration option: ${line.keyword}\n${line.file}: terminating, 1 bad configuration options\n`};
		if (!line.value) return {code: 255, output: `${line.file} line ${line.number}: missing argument.\n`};
	}
	return {code: 0, output: ''};
}
