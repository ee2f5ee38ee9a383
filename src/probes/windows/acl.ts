// File ACLs as Get-Acl reports them (see the Get-AkhAcl function in the Windows node script), judged
// by SID: account names are localised, SIDs are not.
import {asArray, bool, isObject, str} from './json.js';

/** Principals that may hold any right on node configuration: the platform itself. */
export const trustedSids: Readonly<Record<string, string>> = {
	'S-1-5-18': 'SYSTEM',
	'S-1-5-32-544': 'Administrators',
	'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464': 'TrustedInstaller',
	// CREATOR OWNER entries only apply to objects created below; the owner is checked on its own.
	'S-1-3-0': 'CREATOR OWNER',
};

export type AclEntry = {
	readonly identity: string;
	readonly sid: string;
	readonly rights: string;
	readonly type: string;
	readonly inherited: boolean;
};

export type FileAcl = {
	readonly path: string;
	readonly kind: string;
	readonly exists: boolean;
	readonly owner: string;
	readonly ownerSid: string;
	readonly access: readonly AclEntry[];
	/** Allow entries of principals outside SYSTEM, Administrators and TrustedInstaller: `Users (ReadAndExecute, Synchronize)`. */
	readonly others: readonly string[];
	/** The subset of `others` that can change the file: write, modify, delete, take ownership or change permissions. */
	readonly writers: readonly string[];
};

// FileSystemRights names that let a principal change the file or its ACL.
const writeNames = ['FullControl', 'Modify', 'Write', 'WriteData', 'CreateFiles', 'AppendData', 'CreateDirectories', 'WriteExtendedAttributes', 'WriteAttributes', 'Delete', 'DeleteSubdirectoriesAndFiles', 'ChangePermissions', 'TakeOwnership'];
// The same as bits, for entries printed as a number (generic rights on inherit-only entries).
const writeBits = 0x2 | 0x4 | 0x10 | 0x100 | 0x40 | 0x10000 | 0x40000 | 0x80000 | 0x40000000 | 0x10000000;

export function canWrite(rights: string): boolean {
	if (/^-?\d+$/.test(rights.trim())) return (Number(rights) & writeBits) !== 0;
	return rights.split(',').map((part) => part.trim()).some((part) => writeNames.includes(part));
}

function trusted(sid: string): boolean {
	return sid in trustedSids;
}

export function fileAcl(value: unknown): FileAcl | undefined {
	if (!isObject(value)) return undefined;
	const access: AclEntry[] = asArray(value['access']).map((entry) => ({
		identity: str(entry['identity']),
		sid: str(entry['sid']),
		rights: str(entry['rights']),
		type: str(entry['type']) === '1' ? 'Deny' : str(entry['type']) === '0' ? 'Allow' : str(entry['type']),
		inherited: bool(entry['inherited']) === true,
	}));
	const outside = access.filter((entry) => entry.type === 'Allow' && !trusted(entry.sid));
	const label = (entry: AclEntry) => `${entry.identity || entry.sid} (${entry.rights})`;
	return {
		path: str(value['path']),
		kind: str(value['kind']),
		exists: bool(value['exists']) === true,
		owner: str(value['owner']),
		ownerSid: str(value['ownerSid']),
		access,
		others: outside.map(label),
		writers: outside.filter((entry) => canWrite(entry.rights)).map(label),
	};
}
