import {homedir} from 'node:os';
import {delimiter, join} from 'node:path';

export type KubeconfigOptions = {readonly kubeconfig?: string; readonly context?: string; readonly env?: NodeJS.ProcessEnv};

/** The files kubectl would read, in its order: --kubeconfig, else every KUBECONFIG entry, else ~/.kube/config. */
export function kubeconfigFiles(options: KubeconfigOptions): string[] {
	const env = options.env ?? process.env;
	if (options.kubeconfig) return [options.kubeconfig];
	const fromEnv = (env['KUBECONFIG'] ?? '').split(delimiter).filter(Boolean);
	if (fromEnv.length) return fromEnv;
	return [join(homedir(), '.kube', 'config')];
}
