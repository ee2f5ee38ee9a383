import type {ChangeResult} from '../../fix/events.js';
import type {Plan} from '../../fix/model.js';
import type {Action} from '../keymap.js';
import type {Tone} from '../theme.js';

export type DocLine = {readonly text: string; readonly tone?: Tone | undefined};

export type FixPhase =
	| {readonly kind: 'planning'}
	| {readonly kind: 'failed'; readonly message: string}
	| {readonly kind: 'review'; readonly plans: readonly Plan[]}
	| {readonly kind: 'applying'; readonly plans: readonly Plan[]; readonly log: readonly DocLine[]}
	| {readonly kind: 'done'; readonly plans: readonly Plan[]; readonly log: readonly DocLine[]}
	/** A rollout refused the last Ready node of its pool: the operator types its name, as `--confirm-node` does headless. */
	| {readonly kind: 'node-name'; readonly plans: readonly Plan[]; readonly log: readonly DocLine[]; readonly node: string; readonly confirmed: number; readonly results: readonly ChangeResult[]};

export type GuidedFixState = {
	readonly phase: FixPhase;
	/** The target count typed so far, to confirm a change to several targets. */
	readonly typed: string;
	/** Why the last confirmation applied nothing. */
	readonly refusal?: string;
	readonly scroll: number;
	/** While applying, the view follows the newest step until the operator scrolls. */
	readonly isFollowing: boolean;
};

export type GuidedFixAction =
	| {readonly type: 'planned'; readonly plans: readonly Plan[]}
	| {readonly type: 'plan-failed'; readonly message: string}
	| {readonly type: 'applying'; readonly log: readonly DocLine[]}
	| {readonly type: 'finished'; readonly log: readonly DocLine[]}
	| {readonly type: 'ask-node'; readonly log: readonly DocLine[]; readonly node: string; readonly confirmed: number; readonly results: readonly ChangeResult[]}
	| {readonly type: 'scroll'; readonly delta: number; readonly maxScroll: number}
	| {readonly type: 'type'; readonly digits: string}
	| {readonly type: 'erase'}
	| {readonly type: 'refuse'; readonly message: string; readonly isTypedCleared?: boolean};

export const initialGuidedFix: GuidedFixState = {phase: {kind: 'planning'}, typed: '', scroll: 0, isFollowing: false};

const reviewedPlans = (phase: FixPhase): readonly Plan[] => (phase.kind === 'planning' || phase.kind === 'failed' ? [] : phase.plans);

/** The first row shown, given how far the document can scroll. */
export function topRow(state: GuidedFixState, maxScroll: number): number {
	return state.isFollowing ? maxScroll : Math.min(state.scroll, maxScroll);
}

export function guidedFixReducer(state: GuidedFixState, action: GuidedFixAction): GuidedFixState {
	switch (action.type) {
		case 'planned':
			return {...state, phase: {kind: 'review', plans: action.plans}};
		case 'plan-failed':
			return {...state, phase: {kind: 'failed', message: action.message}};
		case 'applying': {
			const plans = reviewedPlans(state.phase);
			const {refusal: _refusal, ...rest} = state;
			return {...rest, phase: {kind: 'applying', plans, log: action.log}, isFollowing: state.phase.kind === 'review' ? true : state.isFollowing};
		}
		case 'finished':
			return {...state, phase: {kind: 'done', plans: reviewedPlans(state.phase), log: action.log}};
		case 'ask-node':
			return {...state, phase: {kind: 'node-name', plans: reviewedPlans(state.phase), log: action.log, node: action.node, confirmed: action.confirmed, results: action.results}};
		case 'scroll': {
			const scroll = Math.max(0, Math.min(action.maxScroll, topRow(state, action.maxScroll) + action.delta));
			return {...state, scroll, isFollowing: false};
		}
		case 'type':
			return {...state, typed: (state.typed + action.digits).slice(0, 6)};
		case 'erase':
			return {...state, typed: state.typed.slice(0, -1)};
		case 'refuse':
			return {...state, refusal: action.message, ...(action.isTypedCleared ? {typed: ''} : {})};
	}
}

/** The keys that do something in this phase (the footer shows these). */
export function fixKeys(phase: FixPhase, count: number): ReadonlySet<Action> {
	const scrolling: Action[] = ['move-up', 'move-down', 'page-up', 'page-down'];
	switch (phase.kind) {
		case 'planning':
			return new Set<Action>(['cancel']);
		case 'failed':
		case 'done':
			return new Set<Action>([...scrolling, 'confirm', 'cancel']);
		case 'applying':
			return new Set<Action>(scrolling);
		case 'node-name':
			// The name field takes the keys: ⏎ submits it, esc leaves the node as it is.
			return new Set<Action>(['confirm', 'cancel']);
		case 'review':
			if (!count) return new Set<Action>([...scrolling, 'cancel']);
			return new Set<Action>([...scrolling, 'cancel', ...(count > 1 ? (['type-count', 'erase', 'confirm'] as const) : (['apply'] as const))]);
	}
}

/** What a key asks of the dialog besides its own state: nothing, closing, or applying with a count. */
export type FixEffect = {readonly kind: 'close'} | {readonly kind: 'apply'; readonly confirmed: number};

export type FixKeyInput = {
	/** The keymap's action for the key in the fix context, if any. */
	readonly action: Action | undefined;
	/** The characters as received: a quickly typed count can arrive as one chunk ("12"). */
	readonly input: string;
	/** How many targets the reviewed plans touch (what the operator must type when more than one). */
	readonly count: number;
	readonly page: number;
	readonly maxScroll: number;
};

/**
 * One key in the fix dialog, pure: the state changes it makes and what the dialog must then do.
 * A wrong count applies nothing: the count is what the operator says they reviewed.
 */
export function fixKey(state: GuidedFixState, {action, input, count, page, maxScroll}: FixKeyInput): {readonly actions: readonly GuidedFixAction[]; readonly effect?: FixEffect} {
	if (state.phase.kind === 'node-name') return {actions: []};
	const available = fixKeys(state.phase, count);
	if (/^\d{2,}$/.test(input) && available.has('type-count')) return {actions: [{type: 'type', digits: input}]};
	if (!action || !available.has(action)) {
		if (state.phase.kind === 'review' && count > 1 && input === 'y') return {actions: [{type: 'refuse', message: `this touches ${count} targets: type ${count} and press ⏎`}]};
		return {actions: []};
	}
	switch (action) {
		case 'move-up':
			return {actions: [{type: 'scroll', delta: -1, maxScroll}]};
		case 'move-down':
			return {actions: [{type: 'scroll', delta: 1, maxScroll}]};
		case 'page-up':
			return {actions: [{type: 'scroll', delta: -page, maxScroll}]};
		case 'page-down':
			return {actions: [{type: 'scroll', delta: page, maxScroll}]};
		case 'cancel':
			return {actions: [], effect: {kind: 'close'}};
		case 'apply':
			return {actions: [], effect: {kind: 'apply', confirmed: 1}};
		case 'type-count':
			return {actions: [{type: 'type', digits: input}]};
		case 'erase':
			return {actions: [{type: 'erase'}]};
		case 'confirm': {
			if (state.phase.kind !== 'review') return {actions: [], effect: {kind: 'close'}};
			const {typed} = state;
			if (!typed || Number(typed) !== count) {
				const message = `${typed ? `you typed ${typed}, but` : 'nothing typed:'} this touches ${count} targets: nothing was applied`;
				return {actions: [{type: 'refuse', message, isTypedCleared: true}]};
			}
			return {actions: [], effect: {kind: 'apply', confirmed: Number(typed)}};
		}
		default:
			return {actions: []};
	}
}
