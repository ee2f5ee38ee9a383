// What the walkthrough (and any other front end) uses of guided fixes. The flow per finding:
//
//   const plan = await planFix(finding, context);          // reads through context.transport, writes nothing
//   render plan.risk, plan.durability, plan.changes[i].diff / effects / warnings, plan.missing
//   if plan.missing.length: ask the values, planFix again with context.parameters filled in
//   const count = confirmationNeeded(plan, ids);            // > 1: the operator types this number
//   const results = await applyPlan(plan, {context, confirmedCount: typed, changeIds: ids, log, onEvent});
//   results[i].logId → `undoChange(logId, {context, log})` reverts it later
//
// A staged plan (PSA: warn + audit, then enforce) has one change per stage (`change.stage`):
// confirm and apply them one at a time with `changeIds: [change.id]`.
export {planFix, planFixes} from './plan.js';
export {applyPlan, confirmationNeeded, ConfirmationError} from './apply.js';
export {undoChange, undoable, describeUndo, type UndoOptions, type UndoResult} from './undo.js';
export {AuditLog, type LogEntry} from './audit-log.js';
export {loadPlaybooks, type Playbooks, type LoadedPlaybook} from './load.js';
export type {FixContext, FixTransport} from './context.js';
export type {ApplyOptions, ChangeResult, FixEvent, Outcome, StepHooks} from './events.js';
export type {Change, FileChange, KubeChange, ModeChange, Plan, PlanStatus} from './model.js';
export {targetsOf} from './model.js';
export type {Playbook, Risk, Durability} from './playbook.js';
export type {ClusterWriter} from '../transports/interfaces.js';
export {renderPlan, renderResult} from './render.js';
