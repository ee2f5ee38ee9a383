import {Box, useInput} from 'ink';
import {useState} from 'react';
import type {ExportFormat} from '../deps.js';
import {actionFor} from '../keymap.js';
import {wrap} from '../text.js';
import {DialogFrame, dialogInnerWidth} from '../widgets/dialog-frame.js';
import {Line} from '../widgets/line.js';
import {Select} from '../widgets/select/index.js';
import {Styled} from '../widgets/styled.js';

type Props = {
	readonly width: number;
	readonly height: number;
	readonly unexported: number;
	readonly onExport: (format: ExportFormat) => Promise<string>;
	readonly onClose: () => void;
};

type Phase =
	| {readonly kind: 'choose'}
	| {readonly kind: 'writing'; readonly format: ExportFormat}
	| {readonly kind: 'written'; readonly format: ExportFormat; readonly path: string}
	| {readonly kind: 'failed'; readonly format: ExportFormat; readonly error: string};

/** Export the report as it stands (decisions included): pick a format, see the path written. */
export function ExportDialog({width, height, unexported, onExport, onClose}: Props) {
	const [phase, setPhase] = useState<Phase>({kind: 'choose'});
	useInput(
		(input, key) => {
			const action = actionFor('dialog', input, key);
			if (action === 'confirm' || action === 'cancel') onClose();
		},
		{isActive: phase.kind === 'written' || phase.kind === 'failed'},
	);
	const start = (format: ExportFormat) => {
		setPhase({kind: 'writing', format});
		onExport(format).then(
			(path) => setPhase({kind: 'written', format, path}),
			(error: unknown) => setPhase({kind: 'failed', format, error: error instanceof Error ? error.message : String(error)}),
		);
	};
	const inner = dialogInnerWidth(width);
	return (
		<DialogFrame title="Export the report" width={width} height={height}>
			<Line>
				<Styled tone="muted">
					{unexported ? `${unexported} decision(s) not in any export yet` : 'findings, attestations, waivers and notes as they stand now'}
				</Styled>
			</Line>
			<Line> </Line>
			{phase.kind === 'choose' ? (
				<Select
					options={[
						{label: 'JSON (the report schema, for tools and diffs)', value: 'json' as const, key: 'j'},
						{label: 'Markdown (a checklist an auditor can read)', value: 'markdown' as const, key: 'm'},
					]}
					onSubmit={start}
					onCancel={onClose}
				/>
			) : null}
			{phase.kind === 'writing' ? <Line>{`writing ${phase.format}…`}</Line> : null}
			{phase.kind === 'written' ? (
				<Box flexDirection="column">
					<Line>
						<Styled tone="pass">{`✓ ${phase.format} report written to`}</Styled>
					</Line>
					{wrap(phase.path, inner).map((line, index) => (
						<Line key={index}>{line}</Line>
					))}
				</Box>
			) : null}
			{phase.kind === 'failed' ? (
				<Box flexDirection="column">
					{wrap(`✗ could not write the ${phase.format} report: ${phase.error}`, inner).map((line, index) => (
						<Line key={index}>
							<Styled tone="fail">{line}</Styled>
						</Line>
					))}
				</Box>
			) : null}
			<Box flexGrow={1} />
			<Line>
				<Styled tone="muted">{phase.kind === 'choose' ? 'j / m or ⏎ picks · esc cancels' : phase.kind === 'writing' ? '' : '⏎ or esc close'}</Styled>
			</Line>
		</DialogFrame>
	);
}
