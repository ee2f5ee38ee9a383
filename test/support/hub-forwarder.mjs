// Runs inside a lab's hub network namespace and bridges a Unix socket (reachable from any
// network namespace, because it lives in the filesystem) to TCP addresses inside the lab.
// That lets the test process stay in the root namespace while every packet of the test
// traffic still crosses the hub bridge (and so the latency delayer, when there is one).
//
// Protocol, one connection per tunnel: the client sends "CONNECT <address> <port>\n"; we answer
// "OK\n" and then relay bytes both ways, or "ERR <errno code>\n" and close.
// Usage: node hub-forwarder.mjs SOCKET_PATH
import net from 'node:net';
import fs from 'node:fs';

const socketPath = process.argv[2];
if (!socketPath) {
  process.stderr.write('usage: hub-forwarder.mjs SOCKET_PATH\n');
  process.exit(2);
}
fs.rmSync(socketPath, { force: true });

const HEADER_LIMIT = 256;

const server = net.createServer((client) => {
  let header = Buffer.alloc(0);
  const onData = (chunk) => {
    header = Buffer.concat([header, chunk]);
    const end = header.indexOf(0x0a);
    if (end < 0) {
      if (header.length > HEADER_LIMIT) client.destroy();
      return;
    }
    client.off('data', onData);
    client.pause();
    const rest = header.subarray(end + 1);
    const match = /^CONNECT (\S+) (\d{1,5})$/.exec(header.subarray(0, end).toString('latin1'));
    if (!match) {
      client.end('ERR EINVAL\n');
      return;
    }
    const upstream = net.connect({ host: match[1], port: Number(match[2]) });
    upstream.once('error', (error) => {
      client.end(`ERR ${error.code ?? 'EIO'}\n`);
    });
    upstream.once('connect', () => {
      upstream.removeAllListeners('error');
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      client.write('OK\n');
      if (rest.length > 0) upstream.write(rest);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    client.once('close', () => upstream.destroy());
  };
  client.on('data', onData);
  client.on('error', () => {});
});

server.listen(socketPath, () => {
  fs.chmodSync(socketPath, 0o600);
  process.stdout.write('ready\n');
});
process.on('SIGTERM', () => process.exit(0));
