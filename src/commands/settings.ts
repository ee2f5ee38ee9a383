import {existsSync} from 'node:fs';
import {parseYamlFile, validate} from '../catalog/yaml-source.js';
import {SettingsFileSchema, type SettingsFile} from '../model/settings.js';
import {fileProblem, UsageError} from '../model/errors.js';
import type {AuditSettings} from '../engine/facts.js';
import type {PlatformExceptions} from '../model/exceptions.js';
import {readTextFile} from '../transports/input-file.js';

export const defaultSettingsFile = '.aks-harden.yaml';

/** `.aks-harden.yaml` in the working folder, or `--waivers FILE`; absent is fine, invalid is not. */
export function readSettingsFile(path: string | undefined): SettingsFile {
	const file = path ?? defaultSettingsFile;
	if (!existsSync(file)) {
		if (path) throw new UsageError(`${file}: no such file`, 'check the --waivers path');
		return {waivers: [], attestations: [], notes: {}};
	}
	let text: string;
	try {
		text = readTextFile(file);
	} catch (error) {
		throw new UsageError(`cannot read ${file}: ${fileProblem(error)}`, 'pass the settings file itself (YAML; see README "Settings: `.aks-harden.yaml`")');
	}
	if (!text.trim()) return {waivers: [], attestations: [], notes: {}};
	return validate(parseYamlFile(file, text), SettingsFileSchema, 'settings');
}

/** The platform's own registries are always allowed; the operator adds theirs. */
export function auditSettings(file: Partial<SettingsFile>, exceptions: PlatformExceptions, extra: readonly string[] = [], pssVersion?: number | 'latest'): AuditSettings {
	return {
		allowedRegistries: [...new Set([...exceptions.platformRegistries, ...(file.registries?.allowed ?? []), ...extra])],
		...(pssVersion !== undefined ? {pssVersion} : {}),
	};
}
