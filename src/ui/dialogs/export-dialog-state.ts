import {useInput} from 'ink';
import type {Dispatch} from 'react';
import {reportExtensions} from '../../report/formats.js';
import type {ExportFormat} from '../deps.js';
import {actionFor} from '../keymap.js';

/** The formats the export offers: every one the CLI writes (`md` is only another name for markdown). */
export const exportFormats: readonly {readonly format: ExportFormat; readonly label: string; readonly key: string}[] = [
	{format: 'markdown', label: 'Markdown (the checklist an auditor reads)', key: 'm'},
	{format: 'html', label: 'HTML (one page: cards, chart, findings table)', key: 'h'},
	{format: 'json', label: 'JSON (the report schema, for tools and diffs)', key: 'j'},
	{format: 'csv', label: 'CSV (a row per finding)', key: 'c'},
	{format: 'junit', label: 'JUnit XML (a testcase per check and target)', key: 'u'},
	{format: 'sarif', label: 'SARIF 2.1.0 (code scanning)', key: 's'},
];

export type ExportDialogState =
	| {readonly phase: 'format'}
	| {readonly phase: 'path'; readonly format: ExportFormat; readonly path: string}
	| {readonly phase: 'writing'; readonly format: ExportFormat; readonly path: string}
	| {readonly phase: 'written'; readonly format: ExportFormat; readonly path: string}
	| {readonly phase: 'failed'; readonly format: ExportFormat; readonly path: string; readonly error: string};

export type ExportDialogAction =
	| {readonly type: 'pick'; readonly format: ExportFormat; readonly today: string}
	| {readonly type: 'write'; readonly path: string}
	| {readonly type: 'written'; readonly path: string}
	| {readonly type: 'failed'; readonly error: string}
	/** Back from the path to the formats, or from a failure to the path to try another. */
	| {readonly type: 'back'};

export const initialExportDialog: ExportDialogState = {phase: 'format'};

/** A name in the working folder the operator can keep or change. */
export function defaultExportPath(format: ExportFormat, today: string): string {
	return `aks-harden-report-${today}.${reportExtensions[format]}`;
}

export function exportDialogReducer(state: ExportDialogState, action: ExportDialogAction): ExportDialogState {
	switch (action.type) {
		case 'pick':
			return state.phase === 'format' ? {phase: 'path', format: action.format, path: defaultExportPath(action.format, action.today)} : state;
		case 'write': {
			if (state.phase !== 'path' || !action.path.trim()) return state;
			return {phase: 'writing', format: state.format, path: action.path.trim()};
		}
		case 'written':
			return state.phase === 'writing' ? {phase: 'written', format: state.format, path: action.path} : state;
		case 'failed':
			return state.phase === 'writing' ? {phase: 'failed', format: state.format, path: state.path, error: action.error} : state;
		case 'back':
			if (state.phase === 'path') return initialExportDialog;
			if (state.phase === 'failed') return {phase: 'path', format: state.format, path: state.path};
			return state;
	}
}

/** The dialog's own hint line, from its state. */
export function exportDialogHint(state: ExportDialogState): string {
	switch (state.phase) {
		case 'format':
			return 'a key or ⏎ picks a format · esc cancels';
		case 'path':
			return '⏎ writes the file (a relative path is in the working folder) · esc back';
		case 'writing':
			return '';
		case 'written':
			return '⏎ or esc close';
		case 'failed':
			return '⏎ closes · esc back to the path';
	}
}

/** Keys once the file is written or failed; the format list and the path field read their own. */
export function useExportDialogInput(state: ExportDialogState, dispatch: Dispatch<ExportDialogAction>, onClose: () => void): void {
	useInput(
		(input, key) => {
			const action = actionFor('dialog', input, key);
			if (state.phase === 'failed' && action === 'cancel') dispatch({type: 'back'});
			else if (action === 'confirm' || action === 'cancel') onClose();
		},
		{isActive: state.phase === 'written' || state.phase === 'failed'},
	);
}
