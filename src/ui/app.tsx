import {Box, Text, useApp, useInput, useWindowSize} from 'ink';
import {useCallback, useMemo, useRef, useState} from 'react';
import {score} from '../engine/summary.js';
import type {ExportFormat, WalkthroughDeps} from './deps.js';
import {DialogLayer} from './dialogs/dialog-layer.js';
import {useAudit} from './hooks/use-audit.js';
import {usePrompts} from './hooks/use-prompts.js';
import {useSessionSaver} from './hooks/use-session-saver.js';
import {useDecisionsSaver} from './hooks/use-decisions-saver.js';
import {useScreenKeys} from './hooks/use-screen-keys.js';
import {useSyncReducer} from './hooks/use-sync-reducer.js';
import type {Action} from './keymap.js';
import {CheckScreen} from './screens/check-screen.js';
import {ConnectScreen} from './screens/connect-screen.js';
import {SectionScreen} from './screens/section-screen.js';
import {SectionsScreen} from './screens/sections-screen.js';
import {summaryDocument} from './screens/summary-document.js';
import {SummaryScreen} from './screens/summary-screen.js';
import {isoDay} from '../engine/decisions.js';
import {allEffective, checkProgress, displayStatus, effectiveFindings, isFailing, nodeProgress, sectionRows} from './state/derive.js';
import {walkthroughReport} from './state/export-report.js';
import {lastUndoableFix} from './state/audit-state.js';
import {isActionAvailable, screenModel, selectedSubject, unsavedWork} from './state/screen-model.js';
import {screenCommand} from './state/screen-command.js';
import type {Startup} from './state/startup.js';
import {currentRoute, initialViewState, viewReducer, type ViewState} from './state/view-state.js';
import {Footer} from './widgets/footer.js';
import {Header} from './widgets/header.js';
import {Line} from './widgets/line.js';
import {Styled} from './widgets/styled.js';
import {TextInput} from './widgets/text-input/index.js';

export type AppProps = {
	readonly deps: WalkthroughDeps;
	readonly startup: Startup;
	readonly operator: string;
	/** Called with the exit code just before the app unmounts. */
	readonly onExit?: (code: number) => void;
};

const defaultNow = () => new Date();
function initialView(startup: Startup): ViewState {
	const view = initialViewState();
	if (startup.resumeOffer) return {...view, dialog: {kind: 'resume', savedAt: startup.resumeOffer.savedAt}};
	return startup.note ? {...view, flash: startup.note} : view;
}

/**
 * The walkthrough: engine events and operator decisions fold into one reducer, the screen stack
 * into another, and every key goes through the keymap. Nothing here waits on the audit: screens
 * draw whatever has arrived so far.
 */
export function App({deps, startup, operator, onExit}: AppProps) {
	const {exit} = useApp();
	const {columns, rows} = useWindowSize();
	const now = deps.now ?? defaultNow;
	const [sessionStartedAt] = useState(() => now().toISOString());
	const audit = useAudit(deps, startup.initial, now);
	const [view, dispatchView, viewRef] = useSyncReducer(viewReducer, () => initialView(startup));
	const [isResumeDecided, setResumeDecided] = useState(!startup.resumeOffer);
	const [isQuitting, setQuitting] = useState(false);
	const [fixKeys, setFixKeys] = useState<ReadonlySet<Action>>(() => new Set());
	const prompts = usePrompts(deps.registerPrompts);
	const {catalog, connection} = deps;
	const {state} = audit;
	const today = isoDay(now());

	const flash = useCallback((text: string | undefined) => dispatchView({type: 'flash', text}), []);
	const saver = useSessionSaver({
		store: deps.sessions,
		identity: {context: connection.context, server: connection.server},
		state,
		now,
		isEnabled: isResumeDecided,
		onError: flash,
	});

	useDecisionsSaver({store: deps.decisions, state, onError: flash});

	// Decisions applied to every finding, recomputed only when findings or decisions change; a key
	// handled before the next render asks for the latest state's and gets it from here too.
	const effectiveCache = useRef<{readonly key: readonly unknown[]; readonly value: ReturnType<typeof effectiveFindings>} | undefined>(undefined);
	const effectiveOf = (current: typeof state) => {
		const key = [current.findings, current.attestations, current.waivers, today];
		const cached = effectiveCache.current;
		if (cached && cached.key.every((part, index) => part === key[index])) return cached.value;
		const value = effectiveFindings(current, today);
		effectiveCache.current = {key, value};
		return value;
	};
	const effective = effectiveOf(state);
	const findings = useMemo(() => allEffective(effective), [effective]);
	const sections = useMemo(() => sectionRows(catalog, state, effective), [catalog, state, effective]);
	const overall = useMemo(() => score(findings), [findings]);
	const route = currentRoute(view);
	const width = Math.max(20, columns);
	const bodyHeight = Math.max(4, rows - 2 - (view.flash ? 1 : 0));
	const summaryLines = useMemo(
		() => (route.screen === 'summary' ? summaryDocument({catalog, state, findings, sections, score: overall, sessionStartedAt, today, width}) : []),
		[route.screen, catalog, state, findings, sections, overall, sessionStartedAt, today, width],
	);
	const summaryScrollable = Math.max(1, summaryLines.length - (bodyHeight - 1) + 1);
	// The screen model is needed by every key and every frame; between two audit batches it is the
	// same, so a key and the frame it causes share one computation.
	const modelCache = useRef<{readonly key: readonly unknown[]; readonly value: ReturnType<typeof screenModel>} | undefined>(undefined);
	const modelOf = (route: ReturnType<typeof currentRoute>, current: typeof state) => {
		const effective = effectiveOf(current);
		const key = [route, current, effective, summaryScrollable];
		const cached = modelCache.current;
		if (cached && cached.key.every((part, index) => part === key[index])) return cached.value;
		const value = screenModel(route, catalog, current, effective, summaryScrollable);
		modelCache.current = {key, value};
		return value;
	};
	const model = modelOf(route, state);
	const available = (action: Action) => isActionAvailable(action, model, state);

	const quit = useCallback(
		async (code: number) => {
			setQuitting(true);
			await saver.flush();
			onExit?.(code);
			exit(code);
		},
		[saver, onExit, exit],
	);

	const closeDialog = () => dispatchView({type: 'close-dialog'});

	const act = (action: Action) => {
		// Read the state as the previous key left it, not as last drawn (see useSyncReducer).
		const route = currentRoute(viewRef.current);
		const state = audit.latest.current;
		const model = modelOf(route, state);
		for (const command of screenCommand({action, route, model, state, body: {width, height: bodyHeight}})) {
			switch (command.kind) {
				case 'view':
					dispatchView(command.action);
					break;
				case 'start-audit':
					audit.start();
					break;
				case 'toggle-node':
					audit.dispatch({type: 'toggle-node', name: command.name});
					break;
				case 'rerun':
					audit.rerun(command.checkId);
					break;
				case 'quit':
					void quit(0);
					break;
			}
		}
	};

	// Ctrl+C leaves from anywhere, dialogs included, after the session is on disk.
	useInput((input, key) => {
		if (key.ctrl && input === 'c' && !isQuitting) void quit(130);
	});

	useScreenKeys({
		isActive: !view.dialog && !prompts.current && !isQuitting,
		screen: () => currentRoute(viewRef.current).screen,
		onKey: () => viewRef.current.flash && flash(undefined),
		onAction: act,
	});

	const renderScreen = () => {
		switch (model.screen) {
			case 'connect':
				return <ConnectScreen width={width} height={bodyHeight} connection={connection} state={state} cursor={route.cursor} />;
			case 'sections':
				return <SectionsScreen width={width} height={bodyHeight} rows={model.rows} cursor={Math.min(route.cursor, model.count - 1)} score={overall} state={state} />;
			case 'section': {
				if (route.screen !== 'section') return null;
				const isSearching = view.dialog?.kind === 'search';
				const initial = view.dialog?.kind === 'search' ? view.dialog.initial : '';
				return (
					<SectionScreen
						width={width}
						height={bodyHeight}
						section={model.section}
						rows={model.rows}
						allRows={model.allRows}
						cursor={Math.min(route.cursor, Math.max(0, model.count - 1))}
						filter={route.filter}
						query={route.query}
						notes={state.notes}
						{...(isSearching
							? {
									searchBar: (
										<Text>
											<Styled tone="accent">/ </Styled>
											<TextInput
												width={width - 3}
												initialValue={initial}
												placeholder="id, title or severity"
												onChange={(query) => dispatchView({type: 'set-query', query})}
												onSubmit={closeDialog}
												onCancel={() => {
													dispatchView({type: 'set-query', query: initial});
													closeDialog();
												}}
											/>
										</Text>
									),
								}
							: {})}
					/>
				);
			}
			case 'check':
				if (route.screen !== 'check') return null;
				return (
					<CheckScreen
						width={width}
						height={bodyHeight}
						row={model.row}
						findings={model.findings}
						cursor={Math.min(route.cursor, Math.max(0, model.count - 1))}
						scroll={route.scroll}
						filter={route.filter}
						note={state.notes[model.row.check.id]}
					/>
				);
			case 'summary':
				return <SummaryScreen width={width} height={bodyHeight} lines={summaryLines} scroll={route.cursor} />;
		}
	};

	const dialogBody =
		prompts.current || (view.dialog && view.dialog.kind !== 'search') ? (
			<DialogLayer
				dialog={view.dialog}
				prompt={prompts.current}
				waitingPrompts={prompts.waiting}
				width={width}
				height={bodyHeight}
				catalog={catalog}
				state={state}
				effective={effective}
				operator={operator}
				today={today}
				now={now}
				inventory={deps.nodes}
				resumeOffer={startup.resumeOffer}
				onPromptAnswer={prompts.answer}
				onAudit={audit.dispatch}
				onClose={closeDialog}
				onFlash={flash}
				onResumeDecided={() => setResumeDecided(true)}
				onQuit={() => void quit(0)}
				fixes={deps.fixes}
				onFixed={(checkId) => audit.rerun(checkId)}
				onFixKeys={setFixKeys}
				onExport={async (format: ExportFormat, path?: string) => {
					const at = now();
					const report = walkthroughReport(audit.latest.current, {catalog, connection, version: deps.version, now: at});
					const written = await deps.exportReport(report, format, path);
					audit.dispatch({type: 'exported', record: {format, path: written, at: at.toISOString()}});
					return written;
				}}
			/>
		) : undefined;
	const isFixDialog = view.dialog?.kind === 'fix' && !prompts.current;
	const footerContext = isFixDialog ? 'fix' : dialogBody || view.dialog?.kind === 'search' ? 'dialog' : route.screen;
	return (
		<Box flexDirection="column" width={width} height={rows}>
			<Header
				width={width}
				connection={connection}
				phase={state.phase}
				checks={checkProgress(catalog, state)}
				nodes={nodeProgress(state)}
				score={overall}
				rerunning={state.rerunning.length}
			/>
			<Box flexDirection="column" height={bodyHeight} flexShrink={0} overflow="hidden">
				{dialogBody ?? renderScreen()}
			</Box>
			{view.flash ? (
				<Line width={width}>
					<Styled tone="accent">{view.flash}</Styled>
				</Line>
			) : null}
			<Footer context={footerContext} width={width} isAvailable={footerContext === 'fix' ? (action) => fixKeys.has(action) : footerContext === 'dialog' ? undefined : available} />
		</Box>
	);
}
