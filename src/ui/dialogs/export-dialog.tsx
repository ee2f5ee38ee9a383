import {Box} from 'ink';
import {useEffect, useReducer} from 'react';
import type {ExportFormat} from '../deps.js';
import {wrap} from '../text.js';
import {DialogFrame, dialogInnerWidth} from '../widgets/dialog-frame.js';
import {Line} from '../widgets/line.js';
import {Select} from '../widgets/select/index.js';
import {Styled} from '../widgets/styled.js';
import {TextInput} from '../widgets/text-input/index.js';
import {exportDialogHint, exportDialogReducer, exportFormats, initialExportDialog, useExportDialogInput} from './export-dialog-state.js';

type Props = {
	readonly width: number;
	readonly height: number;
	readonly unexported: number;
	/** UTC day, for the suggested file name. */
	readonly today: string;
	readonly onExport: (format: ExportFormat, path: string) => Promise<string>;
	readonly onClose: () => void;
};

/** Export the report as it stands (decisions included): pick a format, then the path, see what was written. */
export function ExportDialog({width, height, unexported, today, onExport, onClose}: Props) {
	const [state, dispatch] = useReducer(exportDialogReducer, initialExportDialog);
	useExportDialogInput(state, dispatch, onClose);
	const writing = state.phase === 'writing' ? state : undefined;
	useEffect(() => {
		if (!writing) return;
		onExport(writing.format, writing.path).then(
			(path) => dispatch({type: 'written', path}),
			(error: unknown) => dispatch({type: 'failed', error: error instanceof Error ? error.message : String(error)}),
		);
	}, [writing]);
	const inner = dialogInnerWidth(width);
	return (
		<DialogFrame title="Export the report" width={width} height={height}>
			<Line>
				<Styled tone="muted">
					{unexported ? `${unexported} decision(s) not in any export yet` : 'findings, attestations, waivers and notes as they stand now'}
				</Styled>
			</Line>
			<Line> </Line>
			{state.phase === 'format' ? (
				<Select
					options={exportFormats.map(({format, label, key}) => ({label, value: format, key}))}
					onSubmit={(format) => dispatch({type: 'pick', format, today})}
					onCancel={onClose}
				/>
			) : null}
			{state.phase === 'path' ? (
				<Box flexDirection="column">
					<Line>{`${state.format} report to:`}</Line>
					<TextInput width={inner} initialValue={state.path} placeholder="file path" onSubmit={(path) => dispatch({type: 'write', path})} onCancel={() => dispatch({type: 'back'})} />
				</Box>
			) : null}
			{state.phase === 'writing' ? <Line>{`writing ${state.format} to ${state.path}…`}</Line> : null}
			{state.phase === 'written' ? (
				<Box flexDirection="column">
					<Line>
						<Styled tone="pass">{`✓ ${state.format} report written to`}</Styled>
					</Line>
					{wrap(state.path, inner).map((line, index) => (
						<Line key={index}>{line}</Line>
					))}
				</Box>
			) : null}
			{state.phase === 'failed' ? (
				<Box flexDirection="column">
					{wrap(`✗ could not write the ${state.format} report: ${state.error}`, inner).map((line, index) => (
						<Line key={index}>
							<Styled tone="fail">{line}</Styled>
						</Line>
					))}
				</Box>
			) : null}
			<Box flexGrow={1} />
			<Line>
				<Styled tone="muted">{exportDialogHint(state)}</Styled>
			</Line>
		</DialogFrame>
	);
}
