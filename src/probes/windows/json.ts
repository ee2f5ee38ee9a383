// What every Windows probe body prints: one line of `ConvertTo-Json -Compress`, or
// `{"missing":"<cmdlet>"}` when this Windows edition lacks the cmdlet it needs. Parsers read
// JSON only, never a formatted table.
import type {ProbeParse} from '../probe.js';

export type Json = Record<string, unknown>;

/** The probe's JSON, or the reason there is none. */
export function readJson(output: string): {value: unknown} | {error: string} {
	// The JSON is the probe's last line; anything a cmdlet wrote to the console before it is not.
	const text = output.split('\n').map((line) => line.trim()).filter(Boolean).at(-1) ?? '';
	if (!text) return {error: 'the probe printed nothing'};
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return {error: `not JSON: ${text.split('\n')[0]!.slice(0, 120)}`};
	}
	if (isObject(value) && typeof value['missing'] === 'string' && Object.keys(value).length === 1) {
		return {error: `cmdlet not found: ${value['missing']}`};
	}
	return {value};
}

export function isObject(value: unknown): value is Json {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** PowerShell 5.1 prints a one-element array as its element and an empty one as nothing. */
export function asArray(value: unknown): Json[] {
	if (value === null || value === undefined) return [];
	return (Array.isArray(value) ? value : [value]).filter(isObject);
}

export function str(value: unknown): string {
	return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
}

/** An enum as PowerShell prints it: its name when converted with [string], its number when not. */
export function enumName(value: unknown, names: Readonly<Record<number, string>>): string {
	if (typeof value === 'number') return names[value] ?? String(value);
	return str(value);
}

/** Booleans as .NET prints them, or GpoBoolean (False 0, True 1, NotConfigured 2). */
export function bool(value: unknown): boolean | null {
	if (typeof value === 'boolean') return value;
	if (value === 1 || value === 'True' || value === 'true') return true;
	if (value === 0 || value === 'False' || value === 'false') return false;
	return null;
}

/** Wraps a parser so a shape it did not expect is a reason, not a crash. */
export function jsonParser(parse: (value: unknown) => ProbeParse): (output: string) => ProbeParse {
	return (output) => {
		const read = readJson(output);
		return 'error' in read ? read : parse(read.value);
	};
}

/** A date as ConvertTo-Json prints it: ISO text from `.ToString('o')`, or 5.1's `/Date(ms)/`. */
export function dateMs(value: unknown): number | null {
	const text = str(value);
	const legacy = /^\/Date\((-?\d+)\)\/$/.exec(text);
	if (legacy) return Number(legacy[1]);
	const ms = Date.parse(text);
	return Number.isFinite(ms) ? ms : null;
}
