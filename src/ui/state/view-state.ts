import type {Section} from '../../model/status.js';
import type {Screen} from '../keymap.js';

export type Filter = 'all' | 'failing';

/** Where the operator is. Each route keeps its own cursor, so going back lands on the same row. */
export type Route =
	| {readonly screen: 'connect'; readonly cursor: number}
	| {readonly screen: 'sections'; readonly cursor: number}
	| {readonly screen: 'section'; readonly section: Section; readonly cursor: number; readonly filter: Filter; readonly query: string}
	| {readonly screen: 'check'; readonly checkId: string; readonly cursor: number; readonly scroll: number; readonly filter: Filter}
	| {readonly screen: 'summary'; readonly cursor: number};

/** What a dialog is about: a check, and one target of it or `*` for all. */
export type Subject = {readonly checkId: string; readonly target: string};

export type Dialog =
	| {readonly kind: 'help'; readonly context: Screen}
	| {readonly kind: 'quit'; readonly reasons: readonly string[]}
	| {readonly kind: 'resume'; readonly savedAt: string}
	| {readonly kind: 'search'; readonly initial: string}
	| ({readonly kind: 'fix'} & Subject)
	| ({readonly kind: 'attest'} & Subject)
	| ({readonly kind: 'waive'} & Subject)
	| ({readonly kind: 'unwaive'} & Subject)
	| {readonly kind: 'note'; readonly checkId: string}
	| {readonly kind: 'undo'; readonly checkId: string; readonly target: string; readonly logIds: readonly string[]; readonly fixAt: string}
	| {readonly kind: 'export'};

export type ViewState = {
	readonly stack: readonly Route[];
	readonly dialog?: Dialog;
	/** One line of feedback under the screen ("report written to …"); cleared by the next key. */
	readonly flash?: string;
};

export type ViewAction =
	| {readonly type: 'move'; readonly delta: number; readonly count: number}
	| {readonly type: 'scroll'; readonly delta: number; readonly max: number}
	| {readonly type: 'push'; readonly route: Route}
	| {readonly type: 'back'}
	| {readonly type: 'toggle-filter'}
	| {readonly type: 'set-query'; readonly query: string}
	| {readonly type: 'open-dialog'; readonly dialog: Dialog}
	| {readonly type: 'close-dialog'}
	| {readonly type: 'flash'; readonly text: string | undefined};

export function initialViewState(): ViewState {
	return {stack: [{screen: 'connect', cursor: 0}]};
}

export function currentRoute(view: ViewState): Route {
	return view.stack[view.stack.length - 1]!;
}

const clamp = (value: number, min: number, max: number) => Math.max(min, Math.min(max, value));

function replaceTop(view: ViewState, route: Route): ViewState {
	return {...view, stack: [...view.stack.slice(0, -1), route]};
}

export function viewReducer(view: ViewState, action: ViewAction): ViewState {
	const route = currentRoute(view);
	switch (action.type) {
		case 'move': {
			const cursor = clamp(route.cursor + action.delta, 0, Math.max(0, action.count - 1));
			if (cursor === route.cursor) return view;
			// A new target on the check screen starts its evidence from the top.
			return replaceTop(view, route.screen === 'check' ? {...route, cursor, scroll: 0} : {...route, cursor});
		}
		case 'scroll': {
			if (route.screen !== 'check') return view;
			const scroll = clamp(route.scroll + action.delta, 0, Math.max(0, action.max));
			return scroll === route.scroll ? view : replaceTop(view, {...route, scroll});
		}
		case 'push':
			return {...view, stack: [...view.stack, action.route], flash: undefined};
		case 'back': {
			if (route.screen === 'section' && route.query) return replaceTop(view, {...route, query: '', cursor: 0});
			if (view.stack.length <= 1) return view;
			return {...view, stack: view.stack.slice(0, -1), flash: undefined};
		}
		case 'toggle-filter':
			if (route.screen !== 'section' && route.screen !== 'check') return view;
			return replaceTop(view, {...route, filter: route.filter === 'all' ? 'failing' : 'all', cursor: 0, ...(route.screen === 'check' ? {scroll: 0} : {})});
		case 'set-query':
			if (route.screen !== 'section') return view;
			return replaceTop(view, {...route, query: action.query, cursor: 0});
		case 'open-dialog':
			return {...view, dialog: action.dialog, flash: undefined};
		case 'close-dialog':
			return view.dialog ? {...view, dialog: undefined} : view;
		case 'flash':
			return view.flash === action.text ? view : {...view, flash: action.text};
	}
}
