import {Box, Text} from 'ink';
import {footerBindings, footerFit, type Action, type Binding, type KeyContext} from '../keymap.js';
import {textWidth} from '../text.js';
import {Styled} from './styled.js';

type Props = {
	readonly context: KeyContext;
	readonly width: number;
	readonly isAvailable?: (action: Action) => boolean;
};

const pinned = new Set<Action>(['help', 'quit']);

function Hint({binding}: {readonly binding: Binding}) {
	return (
		<>
			<Styled tone={binding.isDangerous ? 'danger' : 'accent'}>{binding.display}</Styled> {binding.label}
		</>
	);
}

/**
 * The keys that work here, straight from the keymap. Help and quit stay on the right whatever
 * the width; when the rest do not all fit, the best-ranked are kept and `…` says `?` has more.
 */
export function Footer({context, width, isAvailable}: Props) {
	const bindings = footerBindings(context, isAvailable);
	const right = bindings.filter((binding) => pinned.has(binding.action));
	const left = bindings.filter((binding) => !pinned.has(binding.action));
	const size = (binding: Binding) => textWidth(binding.display) + 1 + textWidth(binding.label) + 2;
	const rightWidth = right.reduce((sum, binding) => sum + size(binding), 0);
	// Each hint is counted with the two spaces before the next; the last one needs none.
	const {shown, isCut} = footerFit(left, width - rightWidth + 1, size);
	return (
		<Box height={1} width={width} flexShrink={0}>
			<Box flexGrow={1}>
				<Text wrap="truncate-end">
					{shown.map((binding, index) => (
						<Text key={binding.action}>
							{index ? '  ' : ''}
							<Hint binding={binding} />
						</Text>
					))}
					{isCut ? <Styled tone="muted">{shown.length ? '  …' : '…'}</Styled> : null}
				</Text>
			</Box>
			<Box flexShrink={0}>
				<Text>
					{right.map((binding) => (
						<Text key={binding.action}>
							{'  '}
							<Hint binding={binding} />
						</Text>
					))}
				</Text>
			</Box>
		</Box>
	);
}
