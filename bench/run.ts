// `npm run bench`: measurements, not tests. Each prints its figures beside the target.
import {benchClusterAudit} from './cluster-audit.js';

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);

if (want('cluster')) await benchClusterAudit();
if (want('nodes')) await (await import('./nodes.js')).benchNodes();
if (want('kube-nodes')) await (await import('./kube-nodes.js')).benchKubeNodes();
if (want('first-frame')) await (await import('./first-frame.js')).benchFirstFrame();
if (want('keys')) await (await import('./key-latency.js')).benchKeyLatency();
