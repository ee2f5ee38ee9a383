import {Box} from 'ink';
import type {HostKeyDecision, HostKeyRequest} from '../deps.js';
import {wrap} from '../text.js';
import {DialogFrame, dialogInnerWidth} from '../widgets/dialog-frame.js';
import {Line} from '../widgets/line.js';
import {Select} from '../widgets/select/index.js';
import {Styled} from '../widgets/styled.js';

type Props = {
	readonly request: HostKeyRequest;
	readonly waiting: number;
	readonly width: number;
	readonly height: number;
	readonly onAnswer: (decision: HostKeyDecision) => void;
};

/** An unknown host key, shown by its SHA256 fingerprint, the way `ssh` asks. Esc refuses. */
export function HostKeyDialog({request, waiting, width, height, onAnswer}: Props) {
	const inner = dialogInnerWidth(width);
	const where = request.port === 22 ? request.host : `${request.host}:${request.port}`;
	return (
		<DialogFrame title={`Unknown host key: ${request.node}`} width={width} height={height} tone="danger">
			{wrap(`The authenticity of ${request.node} (${where}) can't be established. Compare the fingerprint with the node's own (ssh-keygen -lf /etc/ssh/ssh_host_${request.keyType.replace(/^ssh-/, '')}_key.pub) before you accept.`, inner).map((line, index) => (
				<Line key={index}>{line}</Line>
			))}
			<Line> </Line>
			<Line>
				<Styled tone="muted">{`${request.keyType} key fingerprint:`}</Styled>
			</Line>
			<Line>
				<Styled tone="title">{request.fingerprint}</Styled>
			</Line>
			<Line> </Line>
			<Select
				options={[
					{label: 'accept once (this run only)', value: 'accept-once' as const, key: 'o'},
					{label: 'accept and remember (add to known_hosts)', value: 'accept-and-remember' as const, key: 'a'},
					{label: 'refuse (the node is reported unreachable)', value: 'refuse' as const, key: 'r', tone: 'danger'},
				]}
				initialIndex={2}
				onSubmit={onAnswer}
				onCancel={() => onAnswer('refuse')}
			/>
			<Box flexGrow={1} />
			<Line>
				<Styled tone="muted">{`o / a / r or ⏎ picks · esc refuses${waiting > 1 ? ` · ${waiting - 1} more question(s) waiting` : ''}`}</Styled>
			</Line>
		</DialogFrame>
	);
}
