import {isCalendarDate} from '../../model/waiver-rules.js';

export type WaiveField = 'reason' | 'expires';

export type WaiveForm = {
	readonly field: WaiveField;
	readonly reason: string;
	readonly expires: string;
	readonly problem?: string;
	/** Set once both fields are valid and the operator saved: the dialog hands these on and closes. */
	readonly saved?: {readonly reason: string; readonly expires: string};
};

export type WaiveFormAction =
	| {readonly type: 'edit'; readonly field: WaiveField; readonly value: string}
	| {readonly type: 'next-field'}
	/** Enter in a field, with the field's value as it is then (a paste may have just changed it). */
	| {readonly type: 'submit'; readonly field: WaiveField; readonly value: string; readonly today: string};

/** A real calendar date after today, written YYYY-MM-DD; else why not. */
export function expiryProblem(value: string, today: string): string | undefined {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'write the date as YYYY-MM-DD';
	if (!isCalendarDate(value)) return 'that is not a calendar date';
	if (value <= today) return 'the expiry must be after today';
	return undefined;
}

export function initialWaiveForm(defaultExpiry: string): WaiveForm {
	return {field: 'reason', reason: '', expires: defaultExpiry};
}

/** Enter on the reason moves to the date; Enter on the date saves if both are valid, else says why. */
export function waiveFormReducer(form: WaiveForm, action: WaiveFormAction): WaiveForm {
	switch (action.type) {
		case 'edit':
			return form[action.field] === action.value ? form : {...form, [action.field]: action.value};
		case 'next-field':
			return {...form, field: form.field === 'reason' ? 'expires' : 'reason'};
		case 'submit': {
			const next = {...form, [action.field]: action.value};
			if (action.field === 'reason') return {...next, field: 'expires'};
			const reason = next.reason.trim();
			if (!reason) return {...next, problem: 'say why this is acceptable', field: 'reason'};
			const expires = next.expires.trim();
			const issue = expiryProblem(expires, action.today);
			if (issue) return {...next, problem: issue, field: 'expires'};
			const {problem: _problem, ...rest} = next;
			return {...rest, saved: {reason, expires}};
		}
	}
}
