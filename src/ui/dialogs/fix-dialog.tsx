import {Box, useInput} from 'ink';
import {useEffect, useMemo, useRef, useState} from 'react';
import type {ChangeResult, FixEvent} from '../../fix/events.js';
import type {Change, Plan} from '../../fix/model.js';
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

type DocLine = {readonly text: string; readonly tone?: Tone | undefined};

type Phase =
	| {readonly kind: 'planning'}
	| {readonly kind: 'failed'; readonly message: string}
	| {readonly kind: 'review'; readonly plans: readonly Plan[]}
	| {readonly kind: 'applying'; readonly plans: readonly Plan[]; readonly log: readonly DocLine[]}
	| {readonly kind: 'done'; readonly plans: readonly Plan[]; readonly log: readonly DocLine[]}
	/** A rollout refused the last Ready node of its pool: the operator types its name, as `--confirm-node` does headless. */
	| {readonly kind: 'node-name'; readonly plans: readonly Plan[]; readonly log: readonly DocLine[]; readonly node: string; readonly confirmed: number; readonly results: readonly ChangeResult[]};

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
	const [phase, setPhase] = useState<Phase>({kind: 'planning'});
	const [typed, setTyped] = useState('');
	const [refusal, setRefusal] = useState<string | undefined>(undefined);
	const [scroll, setScroll] = useState(0);
	// While applying, the view follows the newest step until the operator scrolls.
	const [isFollowing, setFollowing] = useState(false);
	const isMounted = useRef(true);
	const inner = dialogInnerWidth(width);

	useEffect(() => {
		isMounted.current = true;
		fixes.plan(findings).then(
			(plans) => isMounted.current && setPhase({kind: 'review', plans}),
			(error: unknown) => isMounted.current && setPhase({kind: 'failed', message: error instanceof Error ? error.message : String(error)}),
		);
		return () => {
			isMounted.current = false;
		};
	}, []);

	const plans = phase.kind === 'planning' || phase.kind === 'failed' ? [] : phase.plans;
	const count = useMemo(() => fixes.confirmationNeeded(plans), [plans]);
	const isMulti = count > 1;

	const available = useMemo(() => {
		const scrolling: Action[] = ['move-up', 'move-down', 'page-up', 'page-down'];
		switch (phase.kind) {
			case 'planning':
				return new Set<Action>(['cancel']);
			case 'failed':
			case 'done':
				return new Set<Action>([...scrolling, 'confirm', 'cancel']);
			case 'node-name':
				return new Set<Action>(['confirm', 'cancel']);
			case 'applying':
				return new Set<Action>(scrolling);
			case 'review':
				if (!count) return new Set<Action>([...scrolling, 'cancel']);
				return new Set<Action>([...scrolling, 'cancel', ...(isMulti ? (['type-count', 'erase', 'confirm'] as const) : (['apply'] as const))]);
		}
	}, [phase.kind, count, isMulti]);
	const availableKey = [...available].join(' ');
	useEffect(() => onKeys?.(available), [availableKey]);

	const apply = (confirmed: number, confirmedNodes: readonly string[] = [], earlier: readonly DocLine[] = []) => {
		if (phase.kind !== 'review' && phase.kind !== 'node-name') return;
		const reviewed = phase.plans;
		const log: DocLine[] = [...earlier];
		setPhase({kind: 'applying', plans: reviewed, log});
		setFollowing(true);
		const onEvent = (event: FixEvent) => {
			log.push(eventLine(event));
			if (isMounted.current) setPhase({kind: 'applying', plans: reviewed, log: [...log]});
		};
		fixes.apply(reviewed, confirmed, onEvent, confirmedNodes).then(
			(results) => {
				// Results the events did not already show (a change not attempted after a failure).
				for (const result of results) if (!log.some((line) => line.text === resultLine(result).text)) log.push(resultLine(result));
				const unconfirmed = results.find((result) => result.needsNodeName && !confirmedNodes.includes(result.needsNodeName))?.needsNodeName;
				if (unconfirmed) {
					if (isMounted.current) setPhase({kind: 'node-name', plans: reviewed, log: [...log], node: unconfirmed, confirmed, results});
					return;
				}
				log.push({text: ''}, {text: `${outcomeSummary(results)}; re-running ${check.id}…`, tone: 'accent'});
				if (isMounted.current) setPhase({kind: 'done', plans: reviewed, log: [...log]});
				onApplied?.(results);
			},
			(error: unknown) => {
				log.push({text: `✘ ${error instanceof Error ? error.message : String(error)}`, tone: 'fail'});
				if (isMounted.current) setPhase({kind: 'done', plans: reviewed, log: [...log]});
			},
		);
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
	const top = isFollowing ? maxScroll : Math.min(scroll, maxScroll);

	const onNodeName = (value: string) => {
		if (phase.kind !== 'node-name') return;
		if (value.trim() === phase.node) {
			apply(phase.confirmed, [phase.node], phase.log);
			return;
		}
		leaveNode(`✘ ${value.trim() ? `you typed ${value.trim()}, not ${phase.node}` : 'nothing typed'}: ${phase.node} was not touched`);
	};
	const leaveNode = (why: string) => {
		if (phase.kind !== 'node-name') return;
		const log: DocLine[] = [...phase.log, {text: why, tone: 'fail'}, {text: ''}, {text: `${outcomeSummary(phase.results)}; re-running ${check.id}…`, tone: 'accent'}];
		setPhase({kind: 'done', plans: phase.plans, log});
		onApplied?.(phase.results);
	};
	const onNodeNameCancel = () => phase.kind === 'node-name' && leaveNode(`${phase.node} was not touched`);

	useInput((input, key) => {
		if (phase.kind === 'node-name') return;
		if (/^\d{2,}$/.test(input) && available.has('type-count')) {
			setTyped((value) => (value + input).slice(0, 6));
			return;
		}
		const action = actionFor('fix', input, key);
		if (!action || !available.has(action)) {
			if (phase.kind === 'review' && isMulti && input === 'y') setRefusal(`this touches ${count} targets: type ${count} and press ⏎`);
			return;
		}
		const page = Math.max(1, docHeight - 1);
		switch (action) {
			case 'move-up':
			case 'move-down':
			case 'page-up':
			case 'page-down': {
				const delta = action === 'move-up' ? -1 : action === 'move-down' ? 1 : action === 'page-up' ? -page : page;
				setFollowing(false);
				setScroll(Math.max(0, Math.min(maxScroll, top + delta)));
				return;
			}
			case 'cancel':
				onClose();
				return;
			case 'apply':
				apply(1);
				return;
			case 'type-count':
				setTyped((value) => (value + input).slice(0, 6));
				return;
			case 'erase':
				setTyped((value) => value.slice(0, -1));
				return;
			case 'confirm':
				if (phase.kind !== 'review') {
					onClose();
					return;
				}
				// A wrong number applies nothing: the count is what the operator says they reviewed.
				if (Number(typed) !== count || !typed) {
					setRefusal(`${typed ? `you typed ${typed}, but` : 'nothing typed:'} this touches ${count} targets: nothing was applied`);
					setTyped('');
					return;
				}
				setRefusal(undefined);
				apply(Number(typed));
				return;
			default:
				return;
		}
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
