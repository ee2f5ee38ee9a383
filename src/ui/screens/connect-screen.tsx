import {Box} from 'ink';
import type {ConnectionInfo} from '../deps.js';
import type {AuditState, GatherEntry, NodeEntry} from '../state/audit-state.js';
import {padEnd, plural, windowFor} from '../text.js';
import type {DisplayStatus} from '../theme.js';
import {Line} from '../widgets/line.js';
import {StatusSymbol} from '../widgets/status-symbol.js';
import {Styled} from '../widgets/styled.js';

type Props = {
	readonly width: number;
	readonly height: number;
	readonly connection: ConnectionInfo;
	readonly state: AuditState;
	readonly cursor: number;
};

const nodeStatus: Readonly<Record<NodeEntry['state'], DisplayStatus>> = {
	waiting: 'pending',
	connecting: 'running',
	probing: 'running',
	done: 'pass',
	failed: 'fail',
};

function sshText(entry: NodeEntry, isExcluded: boolean): string {
	if (isExcluded) return 'left out';
	switch (entry.state) {
		case 'waiting':
			return 'waiting';
		case 'connecting':
			return 'connecting…';
		case 'probing':
			return 'probing…';
		case 'done':
			// How the host checks reached it, when not over SSH (--node-access kubernetes or auto).
			return entry.info.access === 'kubernetes' ? 'done via Kubernetes' : entry.info.access === 'configz' ? 'done via configz (kubelet only)' : 'done';
		case 'failed':
			return `failed: ${entry.message ?? entry.info.error ?? 'unreachable'}`;
	}
}

function gatherText(gathers: readonly GatherEntry[]): string | undefined {
	if (!gathers.length) return undefined;
	const running = gathers.filter((gather) => gather.state === 'running').length;
	const failed = gathers.filter((gather) => gather.state === 'failed');
	const objects = gathers.reduce((sum, gather) => sum + (gather.count ?? 0), 0);
	const parts = [`${plural(gathers.length - running, 'resource list')} read (${plural(objects, 'object')})`];
	if (running) parts.push(`${running} reading`);
	if (failed.length) parts.push(`${failed.length} refused: ${failed.map((gather) => gather.resource).join(', ')}`);
	return parts.join(' · ');
}

/** Where the audit points and the nodes it will reach, each with its SSH state as it changes. */
export function ConnectScreen({width, height, connection, state, cursor}: Props) {
	const cluster = gatherText(state.gathers);
	const top: {readonly label: string; readonly value: string}[] = [
		{label: 'context', value: connection.context ?? '(none)'},
		{label: 'API server', value: connection.server ?? '(none)'},
		{label: 'flavour', value: connection.flavour},
		...(cluster ? [{label: 'cluster', value: cluster}] : []),
	];
	const selected = state.nodes[Math.min(cursor, state.nodes.length - 1)];
	const headerRows = 1 + top.length + (connection.note ? 1 : 0) + (state.error ? 1 : 0) + 1;
	const listHeight = Math.max(1, height - headerRows - 4);
	const {start, end} = windowFor(state.nodes.length, cursor, listHeight);
	const nameWidth = Math.max(8, Math.min(24, width - 60));
	const isIdle = state.phase === 'idle';
	const excluded = new Set(state.excludedNodes);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line>
				<Styled tone="title">Connection</Styled>
			</Line>
			{top.map((row) => (
				<Line key={row.label}>
					{'  '}
					<Styled tone="muted">{padEnd(row.label, 11)}</Styled>
					{row.value}
				</Line>
			))}
			{connection.note ? (
				<Line>
					{'  '}
					<Styled tone="warn">{`! ${connection.note}`}</Styled>
				</Line>
			) : null}
			{state.error ? (
				<Line>
					{'  '}
					<Styled tone="fail">{`✗ ${state.error}`}</Styled>
				</Line>
			) : null}
			<Line> </Line>
			<Line>
				{/* The column titles start where the rows' columns do: cursor, box, symbol and name come first. */}
				<Styled tone="title">{state.nodes.length ? padEnd(`Nodes (${state.nodes.length})`, nameWidth + 5) : `Nodes (0)`}</Styled>
				{state.nodes.length ? <Styled tone="muted">{`${padEnd('address', 15)} ${padEnd('OS', 8)} ${padEnd('role', 14)} SSH`}</Styled> : null}
			</Line>
			{state.nodes.length === 0 ? (
				<Line>
					<Styled tone="muted">
						{isIdle ? '  none listed yet: nodes appear here as the audit reaches them' : '  no nodes reported'}
					</Styled>
				</Line>
			) : null}
			{state.nodes.slice(start, end).map((entry, offset) => {
				const index = start + offset;
				const isSelected = index === cursor;
				const isExcluded = excluded.has(entry.info.name);
				const box = isIdle ? (isExcluded ? '[ ] ' : '[x] ') : '';
				return (
					<Line key={entry.info.name}>
						<Styled tone={isSelected ? 'accent' : undefined}>{isSelected ? '› ' : '  '}</Styled>
						{box}
						<StatusSymbol status={isExcluded ? 'waived' : nodeStatus[entry.state]} />{' '}
						<Styled tone={isSelected ? 'title' : undefined}>{padEnd(entry.info.name, nameWidth - box.length)}</Styled>{' '}
						{padEnd(entry.info.address || '—', 15)} {padEnd(entry.info.os, 8)} {padEnd(entry.info.role, 14)}{' '}
						<Styled tone={isExcluded ? 'muted' : entry.state === 'failed' ? 'fail' : entry.state === 'done' ? 'pass' : 'muted'}>{sshText(entry, isExcluded)}</Styled>
					</Line>
				);
			})}
			<Box flexGrow={1} />
			{selected && (selected.message || selected.info.error) ? (
				<Line>
					<Styled tone={selected.state === 'failed' ? 'fail' : 'muted'}>{`${selected.info.name}: ${sshText(selected, excluded.has(selected.info.name))}`}</Styled>
				</Line>
			) : null}
			<Line>
				<Styled tone="muted">
					{isIdle
						? state.finishedChecks.length
							? `⏎ continue the audit (${plural(state.finishedChecks.length, 'check')} already done)${state.nodes.length ? ' · space leaves the selected node out' : ''}`
							: `⏎ start the audit${state.nodes.length ? ' · space leaves the selected node out of the node checks' : ''}`
						: '⏎ go to the sections'}
				</Styled>
			</Line>
		</Box>
	);
}
