import type {Catalog} from '../../catalog/load.js';
import type {Finding} from '../../model/finding.js';
import type {NodeInfo} from '../../model/report.js';
import {targetKey} from '../../model/target.js';
import type {ChangeResult} from '../../fix/events.js';
import type {ExportFormat, WalkthroughFixes} from '../deps.js';
import type {Action} from '../keymap.js';
import type {PendingPrompt} from '../hooks/use-prompts.js';
import type {AuditAction, AuditState} from '../state/audit-state.js';
import {allTargets, attestationFor, waiverFor, type Attestation, type Waiver} from '../../engine/decisions.js';
import {isFailing} from '../state/derive.js';
import {isAttestable} from '../state/screen-model.js';
import type {SessionFile} from '../state/session.js';
import {restoredState} from '../state/startup.js';
import type {Dialog} from '../state/view-state.js';
import {formatTime} from '../text.js';
import {HelpOverlay} from '../widgets/help/index.js';
import {AttestDialog} from './attest-dialog.js';
import {ConfirmDialog} from './confirm-dialog.js';
import {ExportDialog} from './export-dialog.js';
import {FixDialog, fixTargetLabel, outcomeSummary} from './fix-dialog.js';
import {HostKeyDialog} from './host-key-dialog.js';
import {NoteDialog} from './note-dialog.js';
import {PassphraseDialog} from './passphrase-dialog.js';
import {WaiveDialog} from './waive-dialog.js';

type Props = {
	readonly dialog: Dialog | undefined;
	/** A question from the SSH layer: it comes before any other dialog. */
	readonly prompt: PendingPrompt | undefined;
	readonly waitingPrompts: number;
	readonly width: number;
	readonly height: number;
	readonly catalog: Catalog;
	readonly state: AuditState;
	readonly effective: Readonly<Record<string, readonly Finding[]>>;
	readonly operator: string;
	readonly today: string;
	readonly now: () => Date;
	readonly inventory: readonly NodeInfo[];
	readonly resumeOffer: SessionFile | undefined;
	readonly onPromptAnswer: (id: number, value: Parameters<PendingPrompt['resolve']>[0]) => void;
	readonly onAudit: (action: AuditAction) => void;
	readonly onClose: () => void;
	readonly onFlash: (text: string | undefined) => void;
	readonly onResumeDecided: () => void;
	readonly onQuit: () => void;
	readonly onExport: (format: ExportFormat, path: string) => Promise<string>;
	readonly fixes?: WalkthroughFixes | undefined;
	/** A fix was applied: re-run its check so the screen shows the new status. */
	readonly onFixed: (checkId: string) => void;
	/** The fix dialog's keys that work right now, for the footer. */
	readonly onFixKeys: (actions: ReadonlySet<Action>) => void;
};

const waiverDays = 90;

export function addDays(today: string, days: number): string {
	const date = new Date(`${today}T00:00:00Z`);
	date.setUTCDate(date.getUTCDate() + days);
	return date.toISOString().slice(0, 10);
}

/**
 * The dialog over the current screen, if any, and what each answer does: SSH questions first,
 * then help, resume, quit, fix, attest, waive, note and export.
 */
export function DialogLayer(props: Props) {
	const {dialog, prompt, waitingPrompts, width, height, catalog, state, effective, operator, today, now, inventory, resumeOffer} = props;
	const {onPromptAnswer, onAudit, onClose, onFlash, onResumeDecided, onQuit, onExport, fixes, onFixed, onFixKeys} = props;
	const subjectCheck = (checkId: string) => catalog.byId.get(checkId)!.check;
	const subjectFindings = (checkId: string, target: string) =>
		(effective[checkId] ?? []).filter((finding) => target === allTargets || targetKey(finding.target) === target);

	const render = () => {
		const dialogWidth = width;
		const dialogHeight = height;
		if (prompt) {
			if (prompt.kind === 'host-key') {
				return <HostKeyDialog key={prompt.id} request={prompt.request} waiting={waitingPrompts} width={dialogWidth} height={dialogHeight} onAnswer={(decision) => onPromptAnswer(prompt.id, decision)} />;
			}
			return <PassphraseDialog key={prompt.id} request={prompt.request} waiting={waitingPrompts} width={dialogWidth} height={dialogHeight} onAnswer={(value) => onPromptAnswer(prompt.id, value)} />;
		}
		if (!dialog || dialog.kind === 'search') return undefined;
		switch (dialog.kind) {
			case 'help':
				return <HelpOverlay context={dialog.context} width={dialogWidth} height={dialogHeight} onClose={onClose} />;
			case 'resume': {
				const session = resumeOffer!;
				return (
					<ConfirmDialog
						title="Resume?"
						lines={[
							`resume the session from ${formatTime(dialog.savedAt)}? y/n`,
							'',
							`${session.context ?? session.server ?? 'this cluster'}: ${session.finishedChecks.length} check(s) done, ${session.attestations.length} attestation(s), ${session.waivers.length} waiver(s).`,
							'No starts afresh; the saved session is replaced as the new one is saved.',
						]}
						yesLabel="resume it"
						noLabel="start afresh"
						width={dialogWidth}
						height={dialogHeight}
						onAnswer={(isYes) => {
							if (isYes) onAudit({type: 'restore', state: restoredState(session, inventory)});
							onResumeDecided();
							onClose();
							onFlash(isYes ? `resumed the session from ${formatTime(dialog.savedAt)}` : undefined);
						}}
					/>
				);
			}
			case 'quit':
				return (
					<ConfirmDialog
						title="Quit?"
						lines={dialog.reasons}
						yesLabel="quit"
						noLabel="stay"
						width={dialogWidth}
						height={dialogHeight}
						onAnswer={(isYes) => {
							onClose();
							if (isYes) onQuit();
						}}
					/>
				);
			case 'fix': {
				const failing = subjectFindings(dialog.checkId, dialog.target).filter((finding) => isFailing(finding.status));
				const onApplied = (results: readonly ChangeResult[]) => {
					onAudit({
						type: 'fixed',
						record: {
							checkId: dialog.checkId,
							target: fixTargetLabel(dialog.target, failing),
							outcome: outcomeSummary(results),
							// What undo can revert: applied changes (refusals and failures are logged too).
							logIds: results.flatMap((result) => (result.logId && result.outcome === 'applied' ? [result.logId] : [])),
							at: now().toISOString(),
						},
					});
					onFixed(dialog.checkId);
				};
				return (
					<FixDialog
						check={subjectCheck(dialog.checkId)}
						target={dialog.target}
						findings={failing}
						fixes={fixes}
						width={dialogWidth}
						height={dialogHeight}
						onClose={onClose}
						onApplied={onApplied}
						onKeys={onFixKeys}
					/>
				);
			}
			case 'undo':
				return (
					<ConfirmDialog
						title="Undo the fix?"
						tone="danger"
						lines={[`${dialog.checkId} (${dialog.target === allTargets ? 'all targets' : dialog.target})`, `reverts ${dialog.logIds.join(', ')} from the audit log, then re-runs the check`]}
						yesLabel="undo it"
						noLabel="keep it"
						width={dialogWidth}
						height={dialogHeight}
						onAnswer={(isYes) => {
							onClose();
							if (!isYes || !fixes?.undo) return;
							onFlash(`undoing ${dialog.checkId}…`);
							void (async () => {
								// Newest first: a later change may sit on top of an earlier one.
								const results = [];
								for (const id of [...dialog.logIds].reverse()) results.push(await fixes.undo!(id).catch((error: unknown) => ({outcome: 'failed', message: String(error)})));
								const failed = results.find((result) => result.outcome !== 'undone');
								if (!failed) onAudit({type: 'fix-undone', at: now().toISOString(), fixAt: dialog.fixAt});
								onFixed(dialog.checkId);
								onFlash(failed ? `undo ${failed.outcome}: ${failed.message}` : `undone: ${results.map((result) => result.message).join('; ')}`);
							})();
						}}
					/>
				);
			case 'attest': {
				const check = subjectCheck(dialog.checkId);
				const attestable = subjectFindings(dialog.checkId, dialog.target).filter(isAttestable);
				const first = attestable[0];
				const previous = first ? attestationFor(state.attestations, first) : undefined;
				return (
					<AttestDialog
						check={check}
						question={first?.status === 'manual' ? first.message : (check.question ?? first?.message ?? '')}
						target={dialog.target}
						by={operator}
						{...(previous && previous.target === dialog.target ? {previous} : {})}
						width={dialogWidth}
						height={dialogHeight}
						onCancel={onClose}
						onSubmit={(answer, note) => {
							const attestation: Attestation = {check: dialog.checkId, target: dialog.target, answer, note, by: operator, at: now().toISOString()};
							onAudit({type: 'attest', attestation});
							onClose();
							onFlash(`attested ${dialog.checkId}: ${answer}`);
						}}
					/>
				);
			}
			case 'waive':
				return (
					<WaiveDialog
						check={subjectCheck(dialog.checkId)}
						target={dialog.target}
						by={operator}
						today={today}
						defaultExpiry={addDays(today, waiverDays)}
						width={dialogWidth}
						height={dialogHeight}
						onCancel={onClose}
						onSubmit={(reason, expires) => {
							const waiver: Waiver = {check: dialog.checkId, target: dialog.target, justification: reason, approver: operator, expires, at: now().toISOString()};
							onAudit({type: 'waive', waiver});
							onClose();
							onFlash(`waived ${dialog.checkId} until ${expires}`);
						}}
					/>
				);
			case 'unwaive': {
				const finding = subjectFindings(dialog.checkId, dialog.target)[0];
				const waiver = finding ? waiverFor(state.waivers, finding) : undefined;
				return (
					<ConfirmDialog
						title="Remove the waiver?"
						lines={[
							`${dialog.checkId} (${dialog.target === allTargets ? 'all targets' : dialog.target})`,
							waiver ? `waived by ${waiver.approver} until ${waiver.expires}: ${waiver.justification}` : '',
						]}
						yesLabel="remove it"
						noLabel="keep it"
						width={dialogWidth}
						height={dialogHeight}
						onAnswer={(isYes) => {
							if (isYes) onAudit({type: 'remove-waiver', check: waiver?.check ?? dialog.checkId, target: waiver?.target ?? dialog.target});
							onClose();
						}}
					/>
				);
			}
			case 'note':
				return (
					<NoteDialog
						check={subjectCheck(dialog.checkId)}
						note={state.notes[dialog.checkId] ?? ''}
						width={dialogWidth}
						height={dialogHeight}
						onCancel={onClose}
						onSubmit={(text) => {
							onAudit({type: 'note', checkId: dialog.checkId, text});
							onClose();
						}}
					/>
				);
			case 'export':
				return (
					<ExportDialog
						width={dialogWidth}
						height={dialogHeight}
						unexported={state.unexportedChanges}
						today={today}
						onClose={onClose}
						onExport={onExport}
					/>
				);
		}
	};

	return render() ?? null;
}
