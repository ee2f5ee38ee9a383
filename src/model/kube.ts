/** A Kubernetes object as the API server stores it; only the metadata we rely on is typed. */
export type KubeObject = {
	readonly apiVersion: string;
	readonly kind: string;
	readonly metadata: KubeMetadata;
	readonly [field: string]: unknown;
};

export type KubeMetadata = {
	readonly name: string;
	readonly namespace?: string;
	readonly uid?: string;
	readonly labels?: Readonly<Record<string, string>>;
	readonly annotations?: Readonly<Record<string, string>>;
	readonly ownerReferences?: readonly OwnerReference[];
	readonly resourceVersion?: string;
	readonly [field: string]: unknown;
};

export type OwnerReference = {
	readonly apiVersion: string;
	readonly kind: string;
	readonly name: string;
	readonly uid?: string;
	readonly controller?: boolean;
};

/** Where an object came from in manifests mode, so reports can point at file and line. */
export type SourceLocation = {readonly file: string; readonly line: number};
