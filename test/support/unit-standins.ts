// Stand-ins for packages a node does not need, installed the way their Debian packages install
// them (the same unit names, [Install] links and alias, in a package unit folder systemd searches
// after /etc), each really listening, so the services check and fix meet real systemd units.
import type { NodeFile } from './lab-types.js';

export const UNIT_DIR = '/usr/local/lib/systemd/system';

const avahiDaemon = `#!/usr/bin/perl
use IO::Socket::INET;
my $socket = IO::Socket::INET->new(LocalAddr => '0.0.0.0', LocalPort => 5353, Proto => 'udp') or die "bind: $!";
sleep 1 while 1;
`;

/** avahi-daemon.service (binds UDP 5353) started by avahi-daemon.socket, aliased as Debian does. */
export const avahiStandin: Readonly<Record<string, NodeFile>> = {
  '/usr/local/libexec/avahi-standin': { content: avahiDaemon, mode: 0o755 },
  [`${UNIT_DIR}/avahi-daemon.service`]: {
    content: '[Unit]\nDescription=Avahi mDNS/DNS-SD Stack (test stand-in)\nRequires=avahi-daemon.socket\n\n[Service]\nExecStart=/usr/local/libexec/avahi-standin\n\n[Install]\nWantedBy=multi-user.target\nAlso=avahi-daemon.socket\nAlias=dbus-org.freedesktop.Avahi.service\n',
  },
  [`${UNIT_DIR}/avahi-daemon.socket`]: {
    content: '[Unit]\nDescription=Avahi mDNS/DNS-SD Stack Activation Socket (test stand-in)\n\n[Socket]\nListenStream=/run/avahi-daemon/socket\n\n[Install]\nWantedBy=sockets.target\n',
  },
};

/** cups.service with cups.socket holding TCP 631 open, as CUPS's socket activation does. */
export const cupsStandin: Readonly<Record<string, NodeFile>> = {
  [`${UNIT_DIR}/cups.service`]: {
    content: '[Unit]\nDescription=CUPS Scheduler (test stand-in)\nRequires=cups.socket\n\n[Service]\nExecStart=/bin/sleep infinity\n\n[Install]\nWantedBy=multi-user.target\nAlso=cups.socket\n',
  },
  [`${UNIT_DIR}/cups.socket`]: {
    content: '[Unit]\nDescription=CUPS Scheduler socket (test stand-in)\n\n[Socket]\nListenStream=0.0.0.0:631\n\n[Install]\nWantedBy=sockets.target\n',
  },
};

/** Run as root on the node once it booted: enable and start them as a package's postinst would. */
export const enableStandins = (units: readonly string[]) => `systemctl is-system-running --wait >/dev/null 2>&1; systemctl enable --now ${units.join(' ')} 2>&1`;
