import type {Probe} from '../probe.js';
import {windowsAccountsProbe, windowsAuditPolicyProbe, windowsDefenderProbe, windowsFileAclProbe, windowsFirewallProbe, windowsHotfixProbe, windowsPortsProbe, windowsSmbProbe} from './host.js';
import {windowsContainerdProbe, windowsKubeletProbe} from './runtime.js';
import {windowsServiceBaselineProbe, windowsServicesProbe} from './services.js';
import {windowsSshdProbe} from './sshd.js';

/**
 * Windows probes by name. A name shared with a Linux probe (sshd, services, kubelet-config …)
 * gathers the same fact for the same check, in PowerShell instead of sh.
 */
export const windowsProbes: ReadonlyMap<string, Probe> = new Map(
	[
		windowsSshdProbe,
		windowsServicesProbe,
		windowsServiceBaselineProbe,
		windowsKubeletProbe,
		windowsContainerdProbe,
		windowsPortsProbe,
		windowsFileAclProbe,
		windowsAccountsProbe,
		windowsFirewallProbe,
		windowsSmbProbe,
		windowsDefenderProbe,
		windowsHotfixProbe,
		windowsAuditPolicyProbe,
	].map((probe) => [probe.name, probe]),
);
