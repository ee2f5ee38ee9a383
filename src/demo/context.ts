/**
 * The demo's kubeconfig context. Plans and log entries made on the demo carry it, so `fix
 * --apply` and `undo` know to open the demo kept in the state folder, not a kubeconfig.
 */
export const demoContext = 'aks-harden-demo';

/** How plans and log entries name the demo: its server's port is new every run, so not by URL. */
export const demoCluster = {context: demoContext, server: 'demo'} as const;

export function isDemoCluster(cluster: {readonly context: string | null; readonly server: string | null} | null | undefined): boolean {
	return cluster?.context === demoCluster.context && cluster.server === demoCluster.server;
}
