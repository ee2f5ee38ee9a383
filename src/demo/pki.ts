// The polyfill must load before @peculiar/x509: its dependency injection reads decorator metadata at import time.
import 'reflect-metadata';
import {randomBytes, webcrypto} from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** A PEM certificate with its PKCS#8 private key. */
export type KeyPairPem = {readonly certPem: string; readonly keyPem: string};

export type ClientCertOptions = {
	/** Becomes the Kubernetes user name, as for a kubeadm-issued client certificate. */
	readonly commonName: string;
	/** Become the user's groups. */
	readonly organizations?: readonly string[];
	readonly validDays?: number;
};

/** A throw-away cluster CA that can sign a serving certificate and client certificates. */
export type DemoPki = {
	readonly ca: KeyPairPem;
	readonly server: KeyPairPem;
	issueClientCert(options: ClientCertOptions): Promise<KeyPairPem>;
};

// EC P-256 keeps generation to a few milliseconds; RSA would cost hundreds per key.
const algorithm = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'} as const;
const hour = 3_600_000;
const day = 24 * hour;

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/**
 * Mirrors the shape of an AKS hybrid control plane: a long-lived root named "kubernetes" and a
 * serving certificate that lives about four days, since certificate checks read both.
 */
export async function createDemoPki(): Promise<DemoPki> {
	const caKeys = await generateKeys();
	const caName = 'CN=kubernetes';
	const caCert = await x509.X509CertificateGenerator.createSelfSigned({
		serialNumber: serial(),
		name: caName,
		notBefore: new Date(Date.now() - hour),
		notAfter: new Date(Date.now() + 3650 * day),
		keys: caKeys,
		signingAlgorithm: algorithm,
		extensions: [
			new x509.BasicConstraintsExtension(true, undefined, true),
			new x509.KeyUsagesExtension(
				x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
				true,
			),
			await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
		],
	});

	const issue = async (subject: string, validDays: number, extensions: x509.Extension[]): Promise<KeyPairPem> => {
		const keys = await generateKeys();
		const cert = await x509.X509CertificateGenerator.create({
			serialNumber: serial(),
			subject,
			issuer: caCert.subject,
			notBefore: new Date(Date.now() - hour),
			notAfter: new Date(Date.now() + validDays * day),
			publicKey: keys.publicKey,
			signingKey: caKeys.privateKey,
			signingAlgorithm: algorithm,
			extensions: [
				new x509.BasicConstraintsExtension(false, undefined, true),
				new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
				await x509.AuthorityKeyIdentifierExtension.create(caCert),
				...extensions,
			],
		});
		return {certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey)};
	};

	const server = await issue('CN=kube-apiserver', 4, [
		new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
		new x509.SubjectAlternativeNameExtension([
			{type: 'ip', value: '127.0.0.1'},
			{type: 'dns', value: 'localhost'},
			{type: 'dns', value: 'kubernetes'},
			{type: 'dns', value: 'kubernetes.default.svc'},
			{type: 'dns', value: 'kubernetes.default.svc.cluster.local'},
		]),
	]);

	return {
		ca: {certPem: caCert.toString('pem'), keyPem: await privateKeyPem(caKeys.privateKey)},
		server,
		issueClientCert: ({commonName, organizations = [], validDays = 365}) =>
			issue(distinguishedName(commonName, organizations), validDays, [
				new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
			]),
	};
}

async function generateKeys(): Promise<CryptoKeyPair> {
	return (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
	const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key as webcrypto.CryptoKey));
	const body = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
	return `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`;
}

// A leading zero byte keeps the DER INTEGER positive, as RFC 5280 requires of serial numbers.
function serial(): string {
	return `00${randomBytes(15).toString('hex')}`;
}

function distinguishedName(commonName: string, organizations: readonly string[]): string {
	const escape = (value: string) => value.replace(/([,+"\\<>;=#])/g, '\\$1');
	return [...organizations.map((o) => `O=${escape(o)}`), `CN=${escape(commonName)}`].join(', ');
}
