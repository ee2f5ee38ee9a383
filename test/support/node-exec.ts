// What stands for a kubelet and container runtime on the SSH test nodes, for the in-process API
// server's pods/exec: neither can run here, so the probe pod's `chroot /host sh -s` runs as root
// inside the test node's own mount, UTS and network namespaces (nsenter into its sshd) — the same
// files, the same root and the same listening sockets the SSH path sees through sudo.
import {spawn} from 'node:child_process';
import type {ExecProcess, NodeExec} from '../../src/demo/api-server.js';
import type {Lab} from './lab-types.js';

export function labNodeExec(lab: Lab): {nodeExec: NodeExec; execNodes: (node: string) => boolean} {
  const pids = new Map(lab.nodes.filter((node) => node.pid !== undefined).map((node) => [node.name, node.pid!]));
  const nodeExec: NodeExec = (node, command): ExecProcess | undefined => {
    const pid = pids.get(node);
    if (pid === undefined) return undefined;
    // The container's view of the node is /host; inside the node's namespaces it is /.
    const inNode = command[0] === 'chroot' && command[1] === '/host' ? command.slice(2) : [...command];
    const child = spawn('nsenter', ['-t', String(pid), '-m', '-u', '-n', '--', ...inNode], {stdio: ['pipe', 'pipe', 'pipe']});
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.on('error', () => undefined);
    return {stdin: child.stdin, stdout: child.stdout, stderr: child.stderr, exit, kill: () => child.kill('SIGKILL')};
  };
  return {nodeExec, execNodes: (node) => pids.has(node)};
}
