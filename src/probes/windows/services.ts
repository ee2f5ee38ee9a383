import {join} from 'node:path';
import {packageRoot} from '../../package-root.js';
import {operatorBaselineDir} from '../../paths.js';
import {loadBaselines, packagedBaselineDir, type Baseline} from '../baselines.js';
import type {Probe, ProbeParse} from '../probe.js';
import {baselineFacts} from '../service-baseline.js';
import {loadDenylist, type DeniedUnit} from '../unit-denylist.js';
import {asArray, enumName, isObject, jsonParser, str} from './json.js';

// ServiceControllerStatus and ServiceStartMode, for output where the enums were not converted.
const statusNames: Record<number, string> = {1: 'Stopped', 2: 'StartPending', 3: 'StopPending', 4: 'Running', 5: 'ContinuePending', 6: 'PausePending', 7: 'Paused'};
const startNames: Record<number, string> = {0: 'Boot', 1: 'System', 2: 'Automatic', 3: 'Manual', 4: 'Disabled'};

export type WindowsService = {readonly name: string; readonly displayName: string; readonly status: string; readonly startType: string};

/** The same lists as on Linux (host.services judges both): auto-start services and running ones. */
export type WindowsServicesFacts = {
	readonly enabled: readonly string[];
	readonly running: readonly string[];
	readonly services: readonly WindowsService[];
};

export function parseWindowsServices(value: unknown): ProbeParse {
	const rows = asArray(value);
	if (!Array.isArray(value) && !isObject(value)) return {error: 'unexpected output: no service list'};
	const services = rows
		.map((row) => ({name: str(row['Name']), displayName: str(row['DisplayName']), status: enumName(row['Status'], statusNames), startType: enumName(row['StartType'], startNames)}))
		.filter((service) => service.name)
		.sort((a, b) => a.name.localeCompare(b.name));
	const facts: WindowsServicesFacts = {
		enabled: services.filter((service) => service.startType === 'Automatic').map((service) => service.name),
		running: services.filter((service) => service.status === 'Running').map((service) => service.name),
		services,
	};
	return {facts};
}

export const windowsServicesProbe: Probe = {
	name: 'services',
	platforms: ['windows'],
	needsSudo: false,
	command: 'Get-Service | Select-Object Name, DisplayName, Status, StartType | ConvertTo-Json',
	script: [
		// Status and StartType are enums: [string] keeps their names (ConvertTo-Json prints numbers).
		'$rows = @(Get-Service -ErrorAction SilentlyContinue | ForEach-Object { [ordered]@{ Name = $_.Name; DisplayName = $_.DisplayName; Status = [string]$_.Status; StartType = [string]$_.StartType } })',
		'ConvertTo-AkhJson $rows',
	].join('\n'),
	parse: jsonParser(parseWindowsServices),
};

export const windowsDenylistFile = join(packageRoot, 'data', 'services', 'windows-never-needed.yaml');

/** `Microsoft Windows Server 2022 Datacenter` → windows-server-2022; other editions by build. */
export function windowsImageId(caption: string, build: string): string {
	const server = /Windows Server (\d{4})/i.exec(caption);
	if (server) return `windows-server-${server[1]}`;
	return `windows-build-${build || 'unknown'}`;
}


/** Names the Windows image and brings its service baseline and the Windows denylist (as on Linux). */
export function createWindowsServiceBaselineProbe(load: () => ReadonlyMap<string, Baseline>, denylist: () => readonly DeniedUnit[]): Probe {
	const judge = baselineFacts(load, denylist);
	return {
		name: 'service-baseline',
		platforms: ['windows'],
		needsSudo: false,
		command: 'Get-CimInstance Win32_OperatingSystem | Select-Object Caption, Version, BuildNumber',
		script: [
			'$os = Get-CimInstance -ClassName Win32_OperatingSystem',
			'ConvertTo-AkhJson ([ordered]@{ Caption = [string]$os.Caption; Version = [string]$os.Version; BuildNumber = [string]$os.BuildNumber })',
		].join('\n'),
		parse: jsonParser((value) => {
			if (!isObject(value) || !str(value['Caption'])) return {error: 'cannot identify the node image: Win32_OperatingSystem has no Caption'};
			const image = windowsImageId(str(value['Caption']), str(value['BuildNumber']));
			return judge(image, `${str(value['Caption'])} (${str(value['Version'])})`);
		}),
	};
}

export const windowsServiceBaselineProbe = createWindowsServiceBaselineProbe(
	() => loadBaselines([packagedBaselineDir, operatorBaselineDir()]),
	() => loadDenylist(windowsDenylistFile),
);
