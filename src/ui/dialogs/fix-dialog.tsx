import {Box, useInput} from 'ink';
import {useEffect, useMemo, useRef, useState} from 'react';
import {useSyncReducer} from '../hooks/use-sync-reducer.js';
import type {ChangeResult, FixEvent} from '../../fix/events.js';
import type {Change, Plan} from '../../fix/model.js';
import {fixKey, fixKeys, guidedFixReducer, initialGuidedFix, topRow, type DocLine} from './fix-state.js';
import type {Check} from '../../model/check.js';
import type {Finding} from '../../model/finding.js';
import {targetKey} from '../../model/target.js';
import type {WalkthroughFixes} from '../deps.js';
import {isApplicable as isReady} from '../fix-count.js';
import {actionFor, type Action} from '../keymap.js';
import {allTargets} from '../../engine/decisions.js';
import {hardWrap, plural, wrap} from '../text.js';
import type {Tone} from '../theme.js';
import {DialogFrame, dialogInnerWidth} from '../widgets/dialog-frame.js';
import {Line} from '../widgets/line.js';
import {Styled} from '../widgets/styled.js';
import {TextInput} from '../widgets/text-input/index.js';

type Props = {
	readonly check: Check;
	readonly target: string;
	/** The failing findings the fix is for: the selected target's, or every failing one of the check. */
	readonly findings: readonly Finding[];
	readonly fixes?: WalkthroughFixes | undefined;
	readonly width: number;
	readonly height: number;
	readonly onClose: () => void;
	/** Called once a confirmed fix has been applied (whatever the outcomes): re-run the check. */
	readonly onApplied?: (results: readonly ChangeResult[]) => void;
	/** The keys that work in the dialog right now, for the footer. */
	readonly onKeys?: (actions: ReadonlySet<Action>) => void;
};


/**
 * Fixing the selection: plan (reads only) → the plans with their risk, durability and diff →
 * the operator confirms (y for one target, the typed target count for several) → apply, step by
 * step → results, and the check is re-run. Without a way to fix (no playbook, or a walkthrough
 * built without fixes) it shows the remediation instead.
 */
export function FixDialog(props: Props) {
	// The findings as they were when f was pressed: the re-run after applying replaces them while
	// the results are still on screen, and the dialog must keep showing the fix it made.
	const [findings] = useState(props.findings);
	return props.fixes && props.check.playbook && findings.length ? <GuidedFix {...props} findings={findings} fixes={props.fixes} /> : <RemediationOnly {...props} findings={findings} />;
}

function RemediationOnly({check, target, findings, width, height, onClose, onKeys}: Props) {
	useEffect(() => onKeys?.(new Set<Action>(['confirm', 'cancel'])), []);
	useInput((input, key) => {
		const action = actionFor('fix', input, key);
		if (action === 'confirm' || action === 'cancel' || input === 'f') onClose();
	});
	const inner = dialogInnerWidth(width);
	const lines: DocLine[] = [
		...wrap(`${check.id} on ${target === allTargets ? plural(findings.length, 'failing target') : target}`, inner).map((text) => ({text, tone: 'muted' as const})),
		{text: ''},
		{text: check.playbook ? `fix: ${check.playbook}` : 'no automated fix', tone: check.playbook ? 'pass' : 'warn'},
		...(check.playbook ? wrap('The playbook runs from `aks-harden fix`; here, follow the remediation below.', inner).map((text) => ({text, tone: 'muted' as const})) : []),
		{text: ''},
		{text: 'Remediation', tone: 'title'},
		...wrap(check.remediation, inner).map((text) => ({text})),
	];
	return (
		<DialogFrame title={`Fix: ${check.title}`} width={width} height={height}>
			<Box flexDirection="column" flexGrow={1} overflow="hidden">
				{lines.slice(0, Math.max(1, height - 4)).map((line, index) => (
					<Line key={index}>
						<Styled tone={line.tone}>{line.text || ' '}</Styled>
					</Line>
				))}
			</Box>
			<Line>
				<Styled tone="muted">⏎ or esc close</Styled>
			</Line>
		</DialogFrame>
	);
}


function riskLine(plan: Plan): DocLine {
	const lasting = plan.durability === 'ephemeral' ? 'ephemeral: a node upgrade or reimage discards it' : `${plan.durability}: a Kubernetes object`;
	return {text: `risk: ${plan.risk} · durability: ${lasting}`, tone: plan.risk === 'safe' && plan.durability === 'persistent' ? 'accent' : 'warn'};
}

function diffTone(line: string): Tone | undefined {
	if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('@@')) return 'muted';
	if (line.startsWith('+')) return 'pass';
	if (line.startsWith('-')) return 'fail';
	return undefined;
}

function changeLines(change: Change, inner: number): DocLine[] {
	const lines: DocLine[] = wrap(`• ${change.summary}${change.type === 'kube' && change.stage ? ` [stage ${change.stage}]` : ''}`, inner).map((text) => ({text}));
	for (const effect of change.effects) lines.push(...wrap(`  effect: ${effect}`, inner).map((text) => ({text, tone: 'muted' as const})));
	for (const warning of change.warnings) lines.push(...wrap(`  warning: ${warning}`, inner).map((text) => ({text, tone: 'warn' as const})));
	for (const line of change.diff.trimEnd().split('\n')) {
		// A diff's indentation is its meaning: cut long lines, never reflow them.
		if (line) lines.push(...hardWrap(line, inner, ' ').map((text) => ({text, tone: diffTone(line)})));
	}
	return lines;
}

/** One plan as the review shows it: risk and durability first, then what, why, and the diff. */
function planLines(plan: Plan, inner: number): DocLine[] {
	const para = (text: string, tone?: Tone) => wrap(text, inner).map((line) => ({text: line, tone}));
	const lines: DocLine[] = [...para(plan.title, 'title'), riskLine(plan)];
	const status = plan.status === 'ready' ? 'ready to apply' : plan.status === 'needs-parameters' ? 'needs values only you can give' : plan.status;
	lines.push(...para(`status: ${status}`, plan.status === 'ready' ? 'pass' : plan.status === 'nothing-to-do' ? 'muted' : 'warn'));
	if (plan.summary) lines.push(...para(`what: ${plan.summary}`));
	if (plan.impact) lines.push(...para(`impact: ${plan.impact}`));
	if (plan.reason && plan.status !== 'ready') lines.push(...para(`${plan.status === 'nothing-to-do' ? 'note' : 'why'}: ${plan.reason}`, 'warn'));
	for (const note of plan.notes) lines.push(...para(`note: ${note}`, 'muted'));
	for (const missing of plan.missing) {
		lines.push(...para(`needs ${missing.name}: ${missing.description}${missing.suggestion ? ` (${missing.suggestion})` : ''}`, 'warn'));
	}
	if (plan.missing.length) lines.push(...para(`Give ${plan.missing.length === 1 ? 'it' : 'them'} with \`aks-harden fix ${plan.missing.map((missing) => `--set ${missing.name}=VALUE`).join(' ')}\`.`, 'muted'));
	if (plan.instructions) {
		lines.push({text: ''}, {text: 'Instructions', tone: 'title'});
		for (const paragraph of plan.instructions.split('\n')) lines.push(...(paragraph ? para(paragraph) : [{text: ''}]));
	}
	for (const change of plan.changes) lines.push({text: ''}, ...changeLines(change, inner));
	return lines;
}

function eventLine(event: FixEvent): DocLine {
	switch (event.type) {
		case 'change-started':
			return {text: `→ ${event.summary}`, tone: 'accent'};
		case 'step':
			return {text: `  ${event.step}: ${event.message}`, tone: 'muted'};
		case 'change-finished':
			return resultLine(event.result);
	}
}

function resultLine(result: ChangeResult): DocLine {
	const symbol = result.outcome === 'applied' ? '✔' : result.outcome === 'nothing-to-do' ? '·' : '✘';
	const tone: Tone = result.outcome === 'applied' ? 'pass' : result.outcome === 'nothing-to-do' ? 'muted' : 'fail';
	return {text: `${symbol} ${result.outcome}: ${result.message}`, tone};
}

/** "1 applied, 1 failed" */
export function outcomeSummary(results: readonly ChangeResult[]): string {
	const counts = new Map<string, number>();
	for (const result of results) counts.set(result.outcome, (counts.get(result.outcome) ?? 0) + 1);
	return [...counts].map(([outcome, count]) => `${count} ${outcome}`).join(', ') || 'nothing applied';
}

function GuidedFix({check, target, findings, fixes, width, height, onClose, onApplied, onKeys}: Props & {readonly fixes: WalkthroughFixes}) {
	const [state, dispatch, latest] = useSyncReducer(guidedFixReducer, initialGuidedFix);
	const {phase, typed, refusal} = state;
	const isMounted = useRef(true);
	const inner = dialogInnerWidth(width);

	useEffect(() => {
		isMounted.current = true;
		fixes.plan(findings).then(
			(plans) => isMounted.current && dispatch({type: 'planned', plans}),
			(error: unknown) => isMounted.current && dispatch({type: 'plan-failed', message: error instanceof Error ? error.message : String(error)}),
		);
		return () => {
			isMounted.current = false;
		};
	}, []);

	const plans = phase.kind === 'planning' || phase.kind === 'failed' ? [] : phase.plans;
	const count = useMemo(() => fixes.confirmationNeeded(plans), [plans]);
	const isMulti = count > 1;
	const available = useMemo(() => fixKeys(phase, count), [phase.kind, count]);
	const availableKey = [...available].join(' ');
	useEffect(() => onKeys?.(available), [availableKey]);

	const apply = (confirmed: number, confirmedNodes: readonly string[] = [], earlier: readonly DocLine[] = []) => {
		const current = latest.current.phase;
		if (current.kind !== 'review' && current.kind !== 'node-name') return;
		const log: DocLine[] = [...earlier];
		dispatch({type: 'applying', log: [...log]});
		const onEvent = (event: FixEvent) => {
			log.push(eventLine(event));
			if (isMounted.current) dispatch({type: 'applying', log: [...log]});
		};
		fixes.apply(current.plans, confirmed, onEvent, confirmedNodes).then(
			(results) => {
				// Results the events did not already show (a change not attempted after a failure).
				for (const result of results) if (!log.some((line) => line.text === resultLine(result).text)) log.push(resultLine(result));
				const unconfirmed = results.find((result) => result.needsNodeName && !confirmedNodes.includes(result.needsNodeName))?.needsNodeName;
				if (unconfirmed) {
					if (isMounted.current) dispatch({type: 'ask-node', log: [...log], node: unconfirmed, confirmed, results});
					return;
				}
				log.push({text: ''}, {text: `${outcomeSummary(results)}; re-running ${check.id}…`, tone: 'accent'});
				if (isMounted.current) dispatch({type: 'finished', log: [...log]});
				onApplied?.(results);
			},
			(error: unknown) => {
				log.push({text: `✘ ${error instanceof Error ? error.message : String(error)}`, tone: 'fail'});
				if (isMounted.current) dispatch({type: 'finished', log: [...log]});
			},
		);
	};

	/** The typed node name: the very name goes ahead; anything else leaves the node untouched. */
	const leaveNode = (why: string) => {
		const current = latest.current.phase;
		if (current.kind !== 'node-name') return;
		dispatch({type: 'finished', log: [...current.log, {text: why, tone: 'fail'}, {text: ''}, {text: `${outcomeSummary(current.results)}; re-running ${check.id}…`, tone: 'accent'}]});
		onApplied?.(current.results);
	};
	const onNodeName = (value: string) => {
		const current = latest.current.phase;
		if (current.kind !== 'node-name') return;
		if (value.trim() === current.node) apply(current.confirmed, [current.node], current.log);
		else leaveNode(`✘ ${value.trim() ? `you typed ${value.trim()}, not ${current.node}` : 'nothing typed'}: ${current.node} was not touched`);
	};
	const onNodeNameCancel = () => {
		const current = latest.current.phase;
		if (current.kind === 'node-name') leaveNode(`${current.node} was not touched`);
	};

	// The document above the fixed prompt lines.
	const doc: DocLine[] = useMemo(() => {
		const head = wrap(`${check.id} on ${target === allTargets ? plural(findings.length, 'failing target') : target}`, inner).map((text) => ({text, tone: 'muted' as const}));
		switch (phase.kind) {
			case 'planning':
				return [...head, {text: ''}, {text: 'planning… (reading the targets; nothing is changed)', tone: 'accent'}];
			case 'failed':
				return [...head, {text: ''}, ...wrap(`could not plan the fix: ${phase.message}`, inner).map((text) => ({text, tone: 'fail' as const}))];
			case 'review':
				if (!phase.plans.length) return [...head, {text: ''}, {text: 'nothing to fix: no playbook covers these findings', tone: 'warn'}];
				return [...head, ...phase.plans.flatMap((plan) => [{text: ''}, ...planLines(plan, inner)])];
			case 'applying':
			case 'done':
			case 'node-name':
				return [
					...head,
					...phase.plans.filter(isReady).flatMap((plan) => [{text: ''}, ...wrap(plan.title, inner).map((text) => ({text, tone: 'title' as const})), riskLine(plan)]),
					{text: ''},
					...phase.log.flatMap((line) => wrap(line.text, inner).map((text) => ({text, tone: line.tone}))),
				];
		}
	}, [phase, inner, check.id, target, findings.length]);

	const prompt: DocLine[] = (() => {
		switch (phase.kind) {
			case 'planning':
				return [{text: 'esc cancels', tone: 'muted'}];
			case 'failed':
				return [{text: 'nothing was changed · ⏎ or esc closes', tone: 'muted'}];
			case 'applying':
				return [{text: 'applying… each change is dry-run, applied, re-checked and recorded', tone: 'accent'}];
			case 'done':
				return [{text: '⏎ or esc closes', tone: 'muted'}];
			case 'node-name':
				return wrap(`${phase.node} is the last Ready node of its pool: restarting its daemon takes the pool's workloads down. Type ${phase.node} and press ⏎ to go ahead · esc leaves it as it is`, inner).map((text) => ({text, tone: 'danger' as const}));
			case 'review': {
				if (!count) {
					const needs = phase.plans.some((plan) => plan.status === 'needs-parameters');
					return [
						...wrap(`Nothing here can be applied from the walkthrough${needs ? '; supply the missing values with `aks-harden fix --set name=value`' : ''}.`, inner).map((text) => ({text, tone: 'warn' as const})),
						{text: 'esc closes', tone: 'muted'},
					];
				}
				const left = phase.plans.filter((plan) => !isReady(plan)).length;
				const lines: DocLine[] = left ? wrap(`${plural(left, 'plan')} cannot be applied here (see why above) and ${left === 1 ? 'is' : 'are'} left out.`, inner).map((text) => ({text, tone: 'muted' as const})) : [];
				if (refusal) lines.push(...wrap(refusal, inner).map((text) => ({text, tone: 'fail' as const})));
				if (!isMulti) lines.push({text: 'Apply this change to 1 target? y applies · esc cancels', tone: 'danger'});
				else lines.push(...wrap(`This touches ${count} targets: type ${count} and press ⏎ to apply · esc cancels`, inner).map((text) => ({text, tone: 'danger' as const})), {text: `targets to confirm: ${typed}▏`, tone: 'accent'});
				return lines;
			}
		}
	})();

	// The node-name field is one more line under the prompt.
	const docHeight = Math.max(1, height - 3 - prompt.length - (phase.kind === 'node-name' ? 1 : 0));
	const maxScroll = Math.max(0, doc.length - docHeight);
	const top = topRow(state, maxScroll);

	useInput((input, key) => {
		const result = fixKey(latest.current, {action: actionFor('fix', input, key), input, count, page: Math.max(1, docHeight - 1), maxScroll});
		for (const action of result.actions) dispatch(action);
		if (result.effect?.kind === 'close') onClose();
		else if (result.effect?.kind === 'apply') apply(result.effect.confirmed);
	});

	const position = maxScroll ? ` (${top + 1}–${Math.min(doc.length, top + docHeight)} of ${doc.length}, j/k PgUp/PgDn)` : '';
	return (
		<DialogFrame title={`Fix: ${check.title}${position}`} width={width} height={height} {...(phase.kind === 'review' && count ? {tone: 'danger' as const} : {})}>
			<Box flexDirection="column" height={docHeight} flexShrink={0} overflow="hidden">
				{doc.slice(top, top + docHeight).map((line, index) => (
					<Line key={index}>
						<Styled tone={line.tone}>{line.text || ' '}</Styled>
					</Line>
				))}
			</Box>
			{prompt.map((line, index) => (
				<Line key={`prompt-${index}`}>
					<Styled tone={line.tone}>{line.text || ' '}</Styled>
				</Line>
			))}
			{phase.kind === 'node-name' ? <TextInput width={inner} placeholder={`type ${phase.node}`} onSubmit={onNodeName} onCancel={onNodeNameCancel} /> : null}
		</DialogFrame>
	);
}

/** Where the fix was aimed, for the session's record. */
export function fixTargetLabel(target: string, findings: readonly Finding[]): string {
	return target === allTargets ? findings.map((finding) => targetKey(finding.target)).join(', ') : target;
}
