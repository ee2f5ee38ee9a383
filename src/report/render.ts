import type {Report} from '../model/report.js';
import {UsageError} from '../model/errors.js';
import {didYouMean} from '../model/suggest.js';
import type {ReportContext} from './context.js';
import {redactDeep, redactReport, type TextRedactor} from './common.js';
import {renderCsv} from './csv.js';
import {renderHtml} from './html.js';
import {jsonChunks, renderJson} from './json.js';
import {renderJunit} from './junit.js';
import {renderMarkdown} from './markdown.js';
import {renderSarif} from './sarif.js';

import {isReportFormat, reportFormats, type ReportFormat} from './formats.js';

export {isReportFormat, reportExtensions, reportFormats, type ReportFormat} from './formats.js';

/** `--format` → a format, or a usage error that lists them. */
export function reportFormatOption(value: string | undefined, fallback: ReportFormat): ReportFormat {
	if (value === undefined) return fallback;
	if (!isReportFormat(value)) throw new UsageError(`--format must be one of ${reportFormats.join(', ')}, not "${value}"${didYouMean(value, reportFormats)}`, value.toLowerCase() === 'pdf' ? 'for a PDF, write --format html and print it to PDF from a browser' : `pick one of: ${reportFormats.join(', ')}`);
	return value;
}

/**
 * Every format from the one Report value; pure. With a redactor, every string of the Report is
 * scrubbed before encoding and the rendered text once more after, so a secret survives neither raw
 * nor escaped (`&amp;`, `\\"`, `""`). Without one, the caller must pass the result through
 * `redactor.apply` itself (a report read back from a saved audit was scrubbed when it was written).
 */
export function renderReport(report: Report, format: ReportFormat, context: ReportContext, options: {readonly redactor?: TextRedactor} = {}): string {
	const redactor = options.redactor;
	const value = redactor ? redactReport(report, redactor) : report;
	const text = renderFormat(value, format, context);
	return redactor ? redactor.apply(text) : text;
}

/**
 * `renderReport`'s text in pieces, for writing to a file: JSON is encoded finding by finding, so a
 * large audit is never held as one string; the other formats come as one piece. Each piece is
 * scrubbed as `renderReport` scrubs the whole (every string before encoding, the text after).
 */
export function* renderReportChunks(report: Report, format: ReportFormat, context: ReportContext, options: {readonly redactor?: TextRedactor} = {}): Generator<string> {
	const redactor = options.redactor;
	if (format !== 'json') {
		yield renderReport(report, format, context, options);
		return;
	}
	if (!redactor) {
		yield* jsonChunks(report);
		return;
	}
	for (const chunk of jsonChunks(report, (value) => redactDeep(value, redactor))) yield redactor.apply(chunk);
}

function renderFormat(report: Report, format: ReportFormat, context: ReportContext): string {
	switch (format) {
		case 'json':
			return renderJson(report);
		case 'markdown':
		case 'md':
			return renderMarkdown(report, context);
		case 'html':
			return renderHtml(report, context);
		case 'junit':
			return renderJunit(report, context);
		case 'sarif':
			return renderSarif(report, context);
		case 'csv':
			return renderCsv(report, context);
	}
}
