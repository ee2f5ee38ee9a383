// Debian's auditd package for systemd test nodes, from the folder `.ci/run` downloads it to, or
// apt's own cache (the nodes have no network to fetch it themselves). Missing, the tests that need it skip with the command that fetches it;
// under CI=true a missing package fails instead.
import fs from 'node:fs';
import path from 'node:path';
import type { NodeFile } from './lab-types.js';

const FOLDERS = ['/var/cache/aks-harden-test/debs', '/var/cache/apt/archives'];

/** The two .deb files as node files under /var/tmp, or why they are not there. */
export function auditPackageFiles(): Readonly<Record<string, NodeFile>> | string {
  const find = (name: string): string | undefined => {
    for (const folder of FOLDERS) {
      const file = fs.existsSync(folder) ? fs.readdirSync(folder).find((entry) => entry.startsWith(`${name}_`) && entry.endsWith('_amd64.deb')) : undefined;
      if (file) return path.join(folder, file);
    }
    return undefined;
  };
  const auditd = find('auditd');
  const libauparse0 = find('libauparse0');
  if (auditd && libauparse0) {
    return {
      '/var/tmp/auditd.deb': { content: fs.readFileSync(auditd) },
      '/var/tmp/libauparse0.deb': { content: fs.readFileSync(libauparse0) },
    };
  }
  const problem = `needs the auditd and libauparse0 .deb files in ${FOLDERS[0]}: sudo .ci/run (or mkdir -p ${FOLDERS[0]} && cd ${FOLDERS[0]} && apt-get download auditd libauparse0)`;
  if (process.env['CI'] === 'true') throw new Error(problem);
  return problem;
}

/** Run as root on the node: install the package without network (its postinst cannot start auditd in a container). */
export const INSTALL_AUDITD = "dpkg -i /var/tmp/libauparse0.deb /var/tmp/auditd.deb >/dev/null 2>&1; dpkg-query -W -f '${Status}' auditd; echo";
