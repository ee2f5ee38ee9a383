/**
 * Every remote command is built from constants and quoted data: node names, paths and values
 * never reach a shell unquoted. Single quotes make any text one literal word in POSIX sh.
 */
export function shellQuote(text: string): string {
	if (text.includes('\0')) throw new Error('a NUL byte cannot be passed to a shell');
	return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** `set -- 'a' 'b'`: the values a constant script then reads as "$1", "$2"… */
export function setArgs(values: readonly string[]): string {
	return `set -- ${values.map(shellQuote).join(' ')}`;
}
