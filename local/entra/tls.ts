/**
 * A throwaway certificate authority and a server certificate for 127.0.0.1/localhost.
 *
 * The local Entra issuer must speak HTTPS because the authorizer (aws-jwt-verify) and MSAL only
 * fetch keys and metadata over https. Clients trust the CA through `NODE_EXTRA_CA_CERTS`, which
 * Node reads once at process start, so the CA is written to a file that child processes point at.
 */
import { createPrivateKey, X509Certificate as NodeX509Certificate, webcrypto } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

export interface TlsMaterial {
  caCertPem: string;
  caCertPath: string;
  certPem: string;
  keyPem: string;
}

const FILES = { caCert: "ca.pem", caKey: "ca-key.pem", cert: "cert.pem", key: "key.pem" } as const;

const CA_LIFETIME_DAYS = 365;
const LEAF_LIFETIME_DAYS = 90;
// Regenerate a day early so a long-running `npm start` never crosses an expiry.
const MIN_REMAINING_MS = 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Returns the CA and server certificate in `dir`, creating them when missing, broken or expiring. */
export async function createTlsMaterial(dir: string): Promise<TlsMaterial> {
  const directory = resolve(dir);
  await mkdir(directory, { recursive: true });
  const existing = await readValidMaterial(directory);
  if (existing !== undefined) return existing;

  const generated = await generateMaterial();
  // Leaf first, CA last: a reader that sees the new CA also sees the leaf it signed.
  await writeAtomically(join(directory, FILES.key), generated.keyPem, 0o600);
  await writeAtomically(join(directory, FILES.cert), generated.certPem, 0o644);
  await writeAtomically(join(directory, FILES.caKey), generated.caKeyPem, 0o600);
  await writeAtomically(join(directory, FILES.caCert), generated.caCertPem, 0o644);
  return {
    caCertPem: generated.caCertPem,
    caCertPath: join(directory, FILES.caCert),
    certPem: generated.certPem,
    keyPem: generated.keyPem,
  };
}

async function readValidMaterial(directory: string): Promise<TlsMaterial | undefined> {
  let caCertPem: string;
  let certPem: string;
  let keyPem: string;
  try {
    [caCertPem, certPem, keyPem] = await Promise.all([
      readFile(join(directory, FILES.caCert), "utf8"),
      readFile(join(directory, FILES.cert), "utf8"),
      readFile(join(directory, FILES.key), "utf8"),
    ]);
  } catch {
    return undefined;
  }
  try {
    const ca = new NodeX509Certificate(caCertPem);
    const leaf = new NodeX509Certificate(certPem);
    const now = Date.now();
    const valid =
      ca.ca &&
      new Date(ca.validTo).getTime() - now > MIN_REMAINING_MS &&
      new Date(leaf.validTo).getTime() - now > MIN_REMAINING_MS &&
      new Date(leaf.validFrom).getTime() <= now &&
      leaf.verify(ca.publicKey) &&
      leaf.checkPrivateKey(createPrivateKey(keyPem)) &&
      leaf.checkIP("127.0.0.1") !== undefined &&
      leaf.checkHost("localhost") !== undefined;
    if (!valid) return undefined;
  } catch {
    return undefined;
  }
  return { caCertPem, caCertPath: join(directory, FILES.caCert), certPem, keyPem };
}

interface GeneratedMaterial {
  caCertPem: string;
  caKeyPem: string;
  certPem: string;
  keyPem: string;
}

async function generateMaterial(): Promise<GeneratedMaterial> {
  // tsyringe (inside @peculiar/x509) checks for Reflect metadata when the module loads, so the
  // polyfill must load first; a static import of x509 would be hoisted above it.
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  const crypto = webcrypto;
  // Node's webcrypto is the Web Crypto API; the DOM typings some dev dependencies pull in
  // (@cdktf/hcl2json) declare a newer overload set for the same object, hence the cast.
  x509.cryptoProvider.set(crypto as unknown as Crypto);

  // ECDSA P-256: generates in milliseconds, and every TLS client in use here accepts it.
  const algorithm: webcrypto.EcKeyGenParams & { hash: string } = {
    name: "ECDSA",
    namedCurve: "P-256",
    hash: "SHA-256",
  };
  const usages: webcrypto.KeyUsage[] = ["sign", "verify"];
  const caKeys = await crypto.subtle.generateKey(algorithm, true, usages);
  const leafKeys = await crypto.subtle.generateKey(algorithm, true, usages);
  const now = Date.now();
  // Back-date a little so a client whose clock is slightly behind still accepts the certificates.
  const notBefore = new Date(now - 60 * 60 * 1000);
  const caName = "CN=entra-authorizer local development CA, O=terraform-aws-apigw-entra-authorizer";

  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: caName,
    notBefore,
    notAfter: new Date(now + CA_LIFETIME_DAYS * DAY_MS),
    signingAlgorithm: algorithm,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const leafCert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: "CN=127.0.0.1",
    issuer: caCert.subject,
    notBefore,
    notAfter: new Date(now + LEAF_LIFETIME_DAYS * DAY_MS),
    signingAlgorithm: algorithm,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "ip", value: "127.0.0.1" },
        { type: "dns", value: "localhost" },
      ]),
      await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  return {
    caCertPem: caCert.toString("pem"),
    caKeyPem: await privateKeyPem(crypto, caKeys.privateKey),
    certPem: leafCert.toString("pem"),
    keyPem: await privateKeyPem(crypto, leafKeys.privateKey),
  };
}

async function privateKeyPem(crypto: webcrypto.Crypto, key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey("pkcs8", key));
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join("\n")}\n-----END PRIVATE KEY-----\n`;
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  // A positive ASN.1 integer: clear the top bit.
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString("hex");
}

async function writeAtomically(path: string, content: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, content, { mode });
  await rename(temporary, path);
}
