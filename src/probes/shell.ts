// Conventions shared by every probe's shell snippet and its parser. Snippets run under POSIX sh
// on CBL-Mariner / Azure Linux and Debian; a missing binary or file never fails the node's script,
// it prints a marker the parser turns into a reason.

/** Printed instead of output when a binary or file the probe needs is absent: `__AKH_MISSING__ sshd`. */
export const MISSING = '__AKH_MISSING__';
/** Starts a named part of one probe's output: `__AKH_SECTION__ config /var/lib/kubelet/config.yaml`. */
export const SECTION = '__AKH_SECTION__';

export type Section = {
	readonly name: string;
	/** The words after the section name on its header line. */
	readonly args: readonly string[];
	readonly body: string;
};

/** Splits output into its `__AKH_SECTION__` parts; text before the first header is section ''. */
export function sections(output: string): Section[] {
	const out: Section[] = [];
	let current: {name: string; args: string[]; lines: string[]} = {name: '', args: [], lines: []};
	const flush = () => {
		if (current.name || current.lines.some((line) => line.trim())) {
			out.push({name: current.name, args: current.args, body: current.lines.join('\n')});
		}
	};
	for (const line of output.split('\n')) {
		if (line.startsWith(`${SECTION} `)) {
			flush();
			const [name = '', ...args] = line.slice(SECTION.length + 1).trim().split(/\s+/);
			current = {name, args, lines: []};
		} else {
			current.lines.push(line);
		}
	}
	flush();
	return out;
}

/** The names announced as missing (`__AKH_MISSING__ <name>`), in order. */
export function missingMarkers(output: string): string[] {
	const out: string[] = [];
	for (const line of output.split('\n')) {
		if (line.startsWith(`${MISSING} `)) out.push(line.slice(MISSING.length + 1).trim());
	}
	return out;
}

/** Non-empty, trimmed lines. */
export function lines(text: string): string[] {
	return text
		.split('\n')
		.map((line) => line.trim())
		.filter(Boolean);
}

/** Shell single-quoting: the one safe way to pass any text as one word. */
export function shellQuote(text: string): string {
	return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The first line of a (possibly multi-line) error text, for one-line reasons. */
export function firstLine(text: string): string {
	return lines(text)[0] ?? '';
}

/** Integers stay integers in CEL (`maxauthtries <= 4`); anything else stays the string it was. */
export function intOrString(value: string): number | string {
	return /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : value;
}
