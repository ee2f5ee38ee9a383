import {demoNodes} from './cluster-parts.js';
import {windowsDemoOutputs} from '../probes/fixtures/windows-server-2022.js';
import type {RecordedNode} from '../probes/recorded.js';

/**
 * The demo cluster's Windows worker, answering from recorded PowerShell probe output (no Windows
 * machine runs here): Win32-OpenSSH and Windows Server defaults plus some drift, so its host
 * checks fail, pass and ask the operator like a real node's would.
 */
export function windowsDemoRecording(): RecordedNode {
	return {name: demoNodes.windows.name, os: 'windows', role: 'worker', sudo: 'ok', address: demoNodes.windows.ip, probes: {...windowsDemoOutputs}};
}
