// The shell that finds the kubelet as it runs: its process arguments, else the systemd unit
// that would start it. The kubelet-config and file-modes probes both start from it, so the
// files they read and stat are the ones the kubelet itself uses.

/**
 * Sets `args` (the running kubelet's arguments, one per line), `unit` (its unit and drop-ins),
 * `envtext` (the EnvironmentFile contents the unit reads) and defines `akh_flag NAME`, which
 * prints the value of `--NAME` as the kubelet gets it: from the process when it runs, else from
 * the unit's command line and environment files.
 */
export const kubeletLocateScript = [
	"pid=''",
	// `read` is a builtin: no process per /proc entry on a node running hundreds of them.
	'for p in /proc/[0-9]*; do',
	// The braces: a process that ends mid-scan makes the `<` itself fail, and a redirection's own
	// error goes to the stderr in force before the one written after it.
	'  if { read -r c < "$p/comm"; } 2>/dev/null && [ "$c" = kubelet ]; then pid=${p#/proc/}; break; fi',
	'done',
	// One argument per line: exact even when an argument holds spaces.
	"args=''",
	'if [ -n "$pid" ]; then args=$(tr \'\\000\' \'\\n\' < "/proc/$pid/cmdline" 2>/dev/null); fi',
	'unit=$(systemctl cat kubelet 2>/dev/null)',
	// Without systemd as PID 1 `systemctl cat` fails: read the unit and drop-ins directly.
	"nl='\n'",
	'if [ -z "$unit" ]; then',
	'  for f in /etc/systemd/system/kubelet.service /usr/lib/systemd/system/kubelet.service /lib/systemd/system/kubelet.service \\',
	'    /usr/lib/systemd/system/kubelet.service.d/*.conf /lib/systemd/system/kubelet.service.d/*.conf /etc/systemd/system/kubelet.service.d/*.conf; do',
	'    [ -f "$f" ] && unit="$unit$nl# $f$nl$(cat "$f")"',
	'  done',
	'fi',
	"envtext=''",
	'for f in /var/lib/kubelet/kubeadm-flags.env /etc/default/kubelet /etc/sysconfig/kubelet; do',
	'  [ -f "$f" ] && envtext="$envtext$nl$(cat "$f")"',
	'done',
	'akh_flag() {',
	'  if [ -n "$args" ]; then',
	'    v=$(printf \'%s\\n\' "$args" | sed -n "s/^--$1=//p" | tail -n 1)',
	'    [ -n "$v" ] || v=$(printf \'%s\\n\' "$args" | sed -n "/^--$1\\$/{n;p;}" | tail -n 1)',
	'  else',
	'    v=$(printf \'%s\\n\' "$unit$nl$envtext" | sed -n "s/.*--$1[= ]\\([^ \\"]*\\).*/\\1/p" | tail -n 1)',
	'  fi',
	'  printf \'%s\' "$v"',
	'}',
	'cfg=$(akh_flag config)',
	'[ -n "$cfg" ] || cfg=/var/lib/kubelet/config.yaml',
	// Drop-ins: every *.conf in --config-dir, in lexical order (the glob sorts under LC_ALL=C).
	'cfgdir=$(akh_flag config-dir)',
].join('\n');

/** Prints, one per line, the kubelet config drop-ins the kubelet reads, in the order it merges them. */
export const kubeletDropInsScript = 'if [ -n "$cfgdir" ] && [ -d "$cfgdir" ]; then for f in "$cfgdir"/*.conf; do [ -f "$f" ] && printf \'%s\\n\' "$f"; done; fi';
