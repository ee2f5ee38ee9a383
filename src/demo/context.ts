/**
 * The demo's kubeconfig context. Plans and log entries made on the demo carry it, so `fix
 * --apply` and `undo` know to open the demo kept in the state folder, not a kubeconfig.
 */
export const demoContext = 'aks-harden-demo';
