import type { Duplex } from 'node:stream';

export type NodeFile = { readonly content: string | Uint8Array; readonly mode?: number };

export type LabNodeSpec = {
  /** Shown to the code under test; may be any string, hostile ones included. */
  readonly name: string;
  /** Absolute node paths under /etc, /var/lib, /home or /root (any path on systemd nodes). */
  readonly files?: Readonly<Record<string, NodeFile>>;
  /** 'refused' mimics AKS hybrid's restricted SSH: clouduser has no sudoers entry. */
  readonly sudo?: 'nopasswd' | 'refused';
  /** Units linked into multi-user.target.wants; on light nodes these are the only ones. */
  readonly enabledUnits?: readonly string[];
  /** Accept the SSH session, print part of the output, then stall forever. */
  readonly hang?: boolean;
  /** Accept the SSH session and print without end (`yes`), whatever the command. */
  readonly flood?: boolean;
};

export type LabNode = {
  readonly name: string;
  /** Safe internal id used for namespaces, hostnames and directories. */
  readonly id: string;
  readonly address: string;
  readonly port: 22;
  readonly netns: string;
  /** known_hosts line: "address keytype base64". */
  readonly hostKeyLine: string;
  /** OpenSSH style "SHA256:…" without padding. */
  readonly hostKeyFingerprint: string;
  /** The node's sshd (light nodes): its mount, UTS and network namespaces are the node's. */
  readonly pid?: number;
};

export type CommandResult = { readonly stdout: string; readonly stderr: string; readonly exitCode: number };

export type Lab = {
  readonly id: string;
  readonly hub: string;
  readonly nodes: readonly LabNode[];
  readonly clientKeyPath: string;
  readonly clientPublicKey: string;
  readonly knownHostsPath: string;
  readonly userName: 'clouduser';
  readonly dir: string;
  /** Runs a command inside the hub namespace (arguments are never shell-parsed). */
  runInHub(command: string, args: readonly string[], options?: { readonly input?: string; readonly timeoutMs?: number }): Promise<CommandResult>;
  /** A TCP stream opened from inside the hub, handed back paused; rejects with an Error whose `code` is the errno. */
  connect(address: string, port: number): Promise<Duplex>;
  /** The same as connect, shaped for the SSH transport's connectSocket hook. */
  connectSocket(target: { readonly address: string; readonly port: number }): Promise<Duplex>;
  stop(): Promise<void>;
};
