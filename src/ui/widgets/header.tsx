import {Box, Text} from 'ink';
import type {ConnectionInfo} from '../deps.js';
import type {AuditState} from '../state/audit-state.js';
import type {NodeProgress} from '../state/derive.js';
import {truncate} from '../text.js';
import {Styled} from './styled.js';

type Props = {
	readonly width: number;
	readonly connection: ConnectionInfo;
	readonly phase: AuditState['phase'];
	readonly checks: {readonly total: number; readonly done: number};
	readonly nodes: NodeProgress;
	readonly score: number;
	readonly rerunning: number;
};

function progressText({phase, checks, nodes, rerunning}: Props): string {
	const nodePart = nodes.total ? ` · nodes ${nodes.done + nodes.failed}/${nodes.total}${nodes.failed ? ` (${nodes.failed} failed)` : ''}` : '';
	const rerunPart = rerunning ? ` · re-running ${rerunning}` : '';
	switch (phase) {
		case 'idle':
			return checks.done ? `paused ${checks.done}/${checks.total}${nodePart}` : 'not started';
		case 'running':
			return `checking ${checks.done}/${checks.total}${nodePart}${rerunPart}`;
		case 'finished':
			return `done ${checks.done}/${checks.total}${nodePart}${rerunPart}`;
		case 'failed':
			return 'audit failed';
	}
}

/** One line: where we are pointed on the left, how far the audit is and the score on the right. */
export function Header(props: Props) {
	const {width, connection, phase, score} = props;
	const right = `${progressText(props)} · score ${score.toFixed(1)}`;
	const where = [connection.context ?? connection.server ?? 'no cluster', connection.isDemo ? 'demo' : connection.flavour].join(' · ');
	const leftWidth = Math.max(0, width - right.length - 1);
	return (
		<Box height={1} width={width} flexShrink={0}>
			<Box width={leftWidth} flexShrink={0}>
				<Text wrap="truncate-end">
					<Styled tone="title">aks-harden</Styled>
					<Styled tone="muted">{` ${truncate(where, Math.max(0, leftWidth - 11))}`}</Styled>
				</Text>
			</Box>
			<Box flexGrow={1} justifyContent="flex-end">
				<Text wrap="truncate-end">
					<Styled tone={phase === 'running' ? 'accent' : phase === 'failed' ? 'fail' : 'muted'}>{truncate(right, width)}</Styled>
				</Text>
			</Box>
		</Box>
	);
}
