import type {Probe} from './probe.js';

/** Every probe by name. A check's `probes:` must name one of these (the catalogue test checks). */
export const probes: ReadonlyMap<string, Probe> = new Map(([] as Probe[]).map((probe) => [probe.name, probe]));
