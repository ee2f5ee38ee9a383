import {mkdirSync} from 'node:fs';
import {join} from 'node:path';
import {printable} from '../model/printable.js';
import {UsageError} from '../model/errors.js';
import {captureBaseline} from '../probes/baseline-capture.js';
import type {ServicesFacts} from '../probes/services.js';
import {operatorBaselineDir} from '../paths.js';
import {inventoryFromNames} from '../engine/inventory.js';
import {connectionOptions, parse} from './options.js';
import {connectionSettings, openEnvironment} from './environment.js';
import {writeAtomically} from './write-output.js';

export const baselineHelp = `Usage: aks-harden baseline capture NODE [--output FILE] [SSH options]

Record the services a freshly provisioned node enables and runs as the service baseline of its
image (read from /etc/os-release; on Windows, Win32_OperatingSystem). host.services then reports
any other unit on nodes of that image. A Windows node is named in --inventory with os: windows
(it is then reached as Administrator and its auto-start and running services are recorded). Saved to ${operatorBaselineDir()}/<image>.yaml unless --output is given; review it before
trusting it: every unit captured is allowed on every node of the image.

SSH options as for \`aks-harden audit\`: --ssh-user, --ssh-key, --ssh-port, --known-hosts,
--accept-new-host-keys, --jump, --inventory, --timeout.
`;

export const baselineOptions = {...connectionOptions, output: {type: 'string', short: 'o'}} as const;

export async function baselineCommand(args: readonly string[]): Promise<number> {
	const {values, positionals} = parse(args, baselineOptions, 'baseline');
	if (values.help) {
		process.stdout.write(baselineHelp);
		return 0;
	}
	const [verb, node] = positionals;
	if (verb !== 'capture' || !node) throw new UsageError('usage: aks-harden baseline capture NODE', 'NODE is a node name or address');
	// One named node, over SSH; no cluster is read. The inventory says which nodes are Windows;
	// a node it does not name is Linux.
	const environment = await openEnvironment({...connectionSettings(values), nodeNames: [node], noNodes: false}, {use: {cluster: false}});
	const [info] = environment.nodes?.list ?? inventoryFromNames([node]);
	const facts = await environment.nodes!.source.gather(info!, ['services', 'service-baseline'], new AbortController().signal);
	await environment.close();
	if (facts.node.reachable === false) throw new UsageError(`cannot reach ${node}: ${facts.node.error}`, 'check the SSH options and that the node is up');
	const services = facts.probes.get('services');
	if (!services || services.error) throw new UsageError(`cannot list the services of ${node}: ${services?.error ?? 'no output'}`, info!.os === 'windows' ? 'the node must allow Get-Service over SSH as Administrator' : 'the node must allow `systemctl` over SSH (sudo)');
	// The image id comes from os-release; a missing baseline is exactly the expected case here.
	const release = facts.probes.get('service-baseline');
	const image = (release?.facts as {image?: string} | undefined)?.image ?? /no service baseline for image (\S+):/.exec(release?.error ?? '')?.[1];
	if (!image) throw new UsageError(`cannot tell the image of ${node}: ${release?.error ?? 'no os-release'}`, 'the node needs /etc/os-release');
	const text = captureBaseline(services.facts as ServicesFacts, image, {node, capturedAt: new Date().toISOString()});
	const output = values.output ?? join(operatorBaselineDir(), `${image}.yaml`);
	if (!values.output) mkdirSync(operatorBaselineDir(), {recursive: true});
	writeAtomically(output, text);
	process.stdout.write(`baseline for ${printable(image)} captured from ${printable(node)}: ${printable(output)}\n`);
	return 0;
}
