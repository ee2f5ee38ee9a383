// The format names alone, without the renderers: the walkthrough needs them before its first frame.

export const reportFormats = ['json', 'markdown', 'md', 'html', 'junit', 'sarif', 'csv'] as const;
export type ReportFormat = (typeof reportFormats)[number];

export function isReportFormat(value: string): value is ReportFormat {
	return (reportFormats as readonly string[]).includes(value);
}

/** A sensible file name extension per format (for callers that derive --output names). */
export const reportExtensions: Readonly<Record<ReportFormat, string>> = {
	json: 'json',
	markdown: 'md',
	md: 'md',
	html: 'html',
	junit: 'xml',
	sarif: 'sarif',
	csv: 'csv',
};
