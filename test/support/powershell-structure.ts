// No PowerShell runs here and no PowerShell parser is published on npm: scripts sent to Windows
// nodes are checked for structure instead, reading quotes and comments as PowerShell does.

/** Unbalanced brackets or an unclosed string, reading PowerShell's quoting and comment rules. */
export function structureProblems(script: string): string[] {
	const problems: string[] = [];
	const stack: {char: string; line: number}[] = [];
	const pairs: Record<string, string> = {')': '(', ']': '[', '}': '{'};
	let line = 1;
	for (let i = 0; i < script.length; i++) {
		const char = script[i]!;
		if (char === '\n') line++;
		else if (char === '#' && (i === 0 || /\s/.test(script[i - 1]!))) {
			while (i + 1 < script.length && script[i + 1] !== '\n') i++;
		} else if (char === "'") {
			// Single quotes: literal; '' is a quote inside.
			const start = line;
			for (i++; ; i++) {
				if (i >= script.length) return [...problems, `string opened on line ${start} never closes`];
				if (script[i] === '\n') line++;
				if (script[i] === "'") {
					if (script[i + 1] === "'") i++;
					else break;
				}
			}
		} else if (char === '"') {
			// Double quotes: the backtick escapes; the probes use no $( ) inside them.
			const start = line;
			for (i++; ; i++) {
				if (i >= script.length) return [...problems, `string opened on line ${start} never closes`];
				if (script[i] === '`') i++;
				else if (script[i] === '\n') line++;
				else if (script[i] === '"') break;
			}
		} else if ('([{'.includes(char)) stack.push({char, line});
		else if (char in pairs) {
			const open = stack.pop();
			if (!open || open.char !== pairs[char]) problems.push(`line ${line}: ${char} closes ${open ? `${open.char} of line ${open.line}` : 'nothing'}`);
		}
	}
	for (const open of stack) problems.push(`${open.char} opened on line ${open.line} never closes`);
	return problems;
}
