import type {Probe} from './probe.js';
import {accountsProbe} from './accounts.js';
import {auditdProbe} from './auditd.js';
import {containerdConfigProbe} from './containerd-config.js';
import {fileModesProbe} from './file-modes.js';
import {kubeletConfigProbe} from './kubelet-config.js';
import {listeningPortsProbe} from './listening-ports.js';
import {packagesProbe} from './packages.js';
import {pkiProbe} from './pki.js';
import {serviceBaselineProbe} from './service-baseline.js';
import {servicesProbe} from './services.js';
import {sshdProbe} from './sshd.js';
import {sysctlProbe} from './sysctl.js';
import {unmanagedContainersProbe} from './unmanaged-containers.js';
import {windowsProbes} from './windows/index.js';

/** Every probe by name. A check's `probes:` must name one of these (the catalogue test checks). */
export const probes: ReadonlyMap<string, Probe> = new Map(
	[
		sshdProbe,
		containerdConfigProbe,
		kubeletConfigProbe,
		fileModesProbe,
		servicesProbe,
		serviceBaselineProbe,
		sysctlProbe,
		accountsProbe,
		packagesProbe,
		listeningPortsProbe,
		unmanagedContainersProbe,
		pkiProbe,
		auditdProbe,
	].map((probe) => [probe.name, probe]),
);

/** The probes that run on a node of this OS: sh on Linux, PowerShell on Windows. */
export function probesForOs(os: 'linux' | 'windows'): ReadonlyMap<string, Probe> {
	return os === 'windows' ? windowsProbes : probes;
}
