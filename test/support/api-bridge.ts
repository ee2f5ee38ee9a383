// The binary under test runs in the lab's hub namespace (to reach the SSH test nodes) while the
// in-process API server listens on this process's loopback. A Unix socket in the lab folder
// crosses the namespaces, and a small forwarder in the hub serves it on the hub's own 127.0.0.1
// at the same port, so the server's kubeconfig works unchanged from inside the hub.
import {spawn, type ChildProcess} from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import type {Lab} from './lab-types.js';

export async function bridgeApiIntoHub(lab: Lab, port: number): Promise<{close(): void}> {
  const socketPath = path.join(lab.dir, `api-${port}.sock`);
  const bridge = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => bridge.listen(socketPath, resolve));
  const forward = `const net=require('net');net.createServer(c=>{const u=net.connect(process.argv[1]);c.pipe(u).pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy())}).listen(${port},'127.0.0.1',()=>console.log('ready'))`;
  const forwarder: ChildProcess = spawn('ip', ['netns', 'exec', lab.hub, process.execPath, '-e', forward, socketPath], {stdio: ['ignore', 'pipe', 'inherit']});
  await new Promise<void>((resolve) => forwarder.stdout!.once('data', () => resolve()));
  return {
    close() {
      if (forwarder.pid) process.kill(forwarder.pid);
      bridge.close();
    },
  };
}
