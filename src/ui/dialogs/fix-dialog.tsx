import {Box, useInput} from 'ink';
import type {Check} from '../../model/check.js';
import {actionFor} from '../keymap.js';
import {allTargets} from '../state/decisions.js';
import {plural, wrap} from '../text.js';
import {DialogFrame, dialogInnerWidth} from '../widgets/dialog-frame.js';
import {Line} from '../widgets/line.js';
import {Styled} from '../widgets/styled.js';

type Props = {
	readonly check: Check;
	readonly target: string;
	readonly failing: number;
	readonly width: number;
	readonly height: number;
	readonly onClose: () => void;
};

/**
 * What fixing the selection means. Applying a playbook (plan → diff → confirm → apply → verify)
 * is not wired into the walkthrough yet, so this names the playbook and shows the remediation.
 */
export function FixDialog({check, target, failing, width, height, onClose}: Props) {
	useInput((input, key) => {
		const action = actionFor('dialog', input, key);
		if (action === 'confirm' || action === 'cancel' || input === 'f') onClose();
	});
	const inner = dialogInnerWidth(width);
	const lines = [
		...wrap(`${check.id} on ${target === allTargets ? plural(failing, 'failing target') : target}`, inner).map((text) => ({text, tone: 'muted' as const})),
		{text: ''},
		{text: check.playbook ? `fix: ${check.playbook}` : 'no automated fix', tone: check.playbook ? ('pass' as const) : ('warn' as const)},
		...(check.playbook ? wrap('The playbook runs from `aks-harden fix`; here, follow the remediation below.', inner).map((text) => ({text, tone: 'muted' as const})) : []),
		{text: ''},
		{text: 'Remediation', tone: 'title' as const},
		...wrap(check.remediation, inner).map((text) => ({text})),
	];
	return (
		<DialogFrame title={`Fix: ${check.title}`} width={width} height={height}>
			<Box flexDirection="column" flexGrow={1} overflow="hidden">
				{lines.slice(0, Math.max(1, height - 4)).map((line, index) => (
					<Line key={index}>
						<Styled tone={'tone' in line ? line.tone : undefined}>{line.text || ' '}</Styled>
					</Line>
				))}
			</Box>
			<Line>
				<Styled tone="muted">⏎ or esc close</Styled>
			</Line>
		</DialogFrame>
	);
}
