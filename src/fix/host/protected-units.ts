import {unitPattern} from '../../probes/baselines.js';

/**
 * Units the services fix never stops, disables or masks, whatever a baseline, a denylist or an
 * edited plan file says, with the reason shown when it refuses (research §5.3). Each entry is a
 * list of globs; a name without a suffix matches every unit type, as in the baselines.
 */
const protectedUnits: ReadonlyArray<{readonly units: readonly string[]; readonly except?: readonly string[]; readonly reason: string}> = [
	{units: ['sshd', 'ssh', 'sshd@*', 'ssh@*'], reason: 'SSH is how Microsoft log collection and certificate repair reach the node (as clouduser): stopping it locks the platform out'},
	{units: ['kubelet'], reason: 'the kubelet is the node: stopping it takes the node NotReady and auto-repair reimages it'},
	{units: ['containerd', 'docker', 'cri-docker', 'crio'], reason: 'the container runtime runs every pod on the node'},
	{units: ['mdsd', 'azsecd', 'azsecmond', 'amdsd', 'azuremonitoragent', 'azuremonitor-*', 'omsagent*'], reason: 'Azure telemetry and monitoring agent: support and billing depend on it'},
	{units: ['mocguestagent', 'moc-*', 'wssd*', 'walinuxagent', 'waagent', 'himdsd', 'gcad', 'extd', 'arcproxy*', 'adhs*', 'azure-*', 'aks-*'], reason: 'an Azure / MOC platform agent: it manages, repairs or reports on the node'},
	{units: ['auditd', 'audit-rules', 'augenrules'], reason: 'auditd records security events on the node (CIS 4.1)'},
	{units: ['systemd-journald', 'systemd-journald@*', 'systemd-journal-flush', 'rsyslog', 'syslog', 'syslog-ng'], reason: 'the node\'s logging'},
	{units: ['chronyd', 'chrony', 'systemd-timesyncd', 'ntpd', 'ntp', 'ntpsec', 'openntpd'], reason: 'time sync: certificates and tokens fail on a clock that drifts'},
	{
		units: ['systemd-networkd*', 'systemd-resolved', 'NetworkManager*', 'networking', 'network', 'network-online.target', 'wicked*', 'netplan*', 'cloud-init*', 'cloud-config', 'cloud-final', 'dhcpcd', 'dhclient*'],
		reason: 'networking: the node would drop off the network',
	},
	{units: ['dbus', 'dbus-broker', 'dbus-daemon', 'polkit'], reason: 'the system bus systemd and the agents talk over'},
	// systemd's own, except its network listeners (journal-gatewayd, journal-remote), which the
	// never-needed list names and which a node does not need.
	{units: ['systemd-*', 'getty@*', 'serial-getty@*', 'console-getty', 'user@*', 'user-runtime-dir@*', 'init', 'emergency', 'rescue'], except: ['systemd-journal-gatewayd', 'systemd-journal-remote'], reason: 'one of systemd\'s own units: the node does not boot or log in properly without it'},
	{units: ['crond', 'cron', 'logrotate'], reason: 'scheduled maintenance (log rotation) CIS expects on the node'},
];

const matches = (unit: string, globs: readonly string[]) => globs.some((glob) => new RegExp(unitPattern(glob)).test(unit));

/** Why a unit may not be touched, or undefined when it may. */
export function protectedReason(unit: string): string | undefined {
	for (const entry of protectedUnits) {
		if (matches(unit, entry.units) && !matches(unit, entry.except ?? [])) return entry.reason;
	}
	return undefined;
}
