import {statusSymbols, statusTones, type DisplayStatus} from '../theme.js';
import {Styled} from './styled.js';

export function StatusSymbol({status}: {readonly status: DisplayStatus}) {
	return <Styled tone={statusTones[status]}>{statusSymbols[status]}</Styled>;
}
