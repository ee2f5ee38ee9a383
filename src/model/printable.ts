/**
 * The one sanitiser for text that reaches a terminal or a text format. Names, images, paths,
 * messages and error text come from clusters, manifests and nodes, that is from whoever wrote
 * them: an ESC could recolour or clear the screen, set the window title or hide text, a CR or a
 * newline could forge a line of output, and a bidi override could make a name read differently
 * than it is. Each such character is shown as a visible escape (`\x1b`, `\r`, `\u202e`) instead.
 *
 * HTML and XML have their own escaping; this is for Markdown, CSV, plain text, stderr and the
 * walkthrough.
 */

// C0 controls, DEL, C1 controls; the line and paragraph separators (U+2028/9) that some
// terminals and editors break lines at; and the bidi embeddings, overrides, isolates and marks.
const unsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
const unsafeExceptLines = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const named: Readonly<Record<string, string>> = {'\n': '\\n', '\r': '\\r', '\t': '\\t'};

function shown(char: string): string {
	const known = named[char];
	if (known) return known;
	const code = char.charCodeAt(0);
	return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * One line of text, every control character escaped (newline and tab included), so a value can
 * never become more than the one line it was given.
 */
export function printable(text: string): string {
	return text.replace(unsafe, shown);
}

/** Several lines of text: newlines and tabs are kept, every other control character is escaped. */
export function printableLines(text: string): string {
	return text.replace(/\r\n/g, '\n').replace(unsafeExceptLines, shown);
}

/** True when the text holds nothing printable() would change. */
export function isPrintable(text: string): boolean {
	unsafe.lastIndex = 0;
	return !unsafe.test(text);
}
