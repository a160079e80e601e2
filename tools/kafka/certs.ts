/**
 * Certificates for the local Kafka broker's TLS listeners, made with `openssl`: a
 * certificate authority of its own, a server certificate it signed (SAN 127.0.0.1 and
 * localhost), and client certificates (for the listener that requires them). The keys are
 * PKCS#8 PEM files; a client key may be encrypted with a password (`ssl.key.password`).
 *
 * @module
 */

import { join } from "node:path";
import { ConfigurationError } from "../../src/errors/mod.ts";
import { runTool, tail } from "./processes.ts";

/** A PEM certificate and its private key, as files. */
export interface CertFiles {
  /** The certificate (PEM). */
  cert: string;
  /** The private key (PKCS#8 PEM, encrypted when a password was given). */
  key: string;
}

/** Options of {@linkcode makeCertificate}. */
export interface CertificateOptions {
  /** The authority that signs it. */
  ca: CertFiles;
  /** The subject's common name. */
  commonName: string;
  /** Subject alternative names, e.g. `["IP:127.0.0.1", "DNS:localhost"]`. */
  altNames?: string[];
  /** Days of validity (default 825); a negative number makes a certificate that has expired. */
  days?: number;
  /** Encrypts the private key with this password (AES-256, PKCS#8). */
  keyPassword?: string;
  /** `serverAuth` (default) or `clientAuth`. */
  usage?: "serverAuth" | "clientAuth";
}

const MISSING_OPENSSL = "openssl was not found on PATH; install OpenSSL to make TLS certificates";

/** Runs openssl in `dir`; throws its output's end when it fails. */
async function openssl(dir: string, args: string[]): Promise<void> {
  const result = await runTool("openssl", args, { cwd: dir, missing: MISSING_OPENSSL });
  if (!result.success) {
    throw new ConfigurationError(`openssl ${args[0]} failed: ${tail(result.output, 5)}`);
  }
}

/**
 * Makes a self-signed certificate authority `<name>.pem` with its key `<name>.key` in
 * `dir` (valid for ten years).
 */
export async function makeAuthority(dir: string, name: string): Promise<CertFiles> {
  await Deno.mkdir(dir, { recursive: true });
  const files = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  await openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    files.key,
    "-out",
    files.cert,
    "-days",
    "3650",
    "-subj",
    `/CN=${name}`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  return files;
}

/** Makes `<name>.pem` and `<name>.key` in `dir`, signed by `options.ca`. */
export async function makeCertificate(
  dir: string,
  name: string,
  options: CertificateOptions,
): Promise<CertFiles> {
  await Deno.mkdir(dir, { recursive: true });
  const files = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  const plainKey = join(dir, `${name}.plain.key`);
  const request = join(dir, `${name}.csr`);
  const extensions = join(dir, `${name}.ext`);
  const lines = [
    "basicConstraints=CA:FALSE",
    "keyUsage=critical,digitalSignature,keyEncipherment",
    `extendedKeyUsage=${options.usage ?? "serverAuth"}`,
  ];
  if (options.altNames?.length) lines.push(`subjectAltName=${options.altNames.join(",")}`);
  await Deno.writeTextFile(extensions, lines.join("\n") + "\n");
  try {
    await openssl(dir, [
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      plainKey,
      "-out",
      request,
      "-subj",
      `/CN=${options.commonName}`,
    ]);
    await openssl(dir, [
      "x509",
      "-req",
      "-in",
      request,
      "-CA",
      options.ca.cert,
      "-CAkey",
      options.ca.key,
      "-set_serial",
      `0x${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`,
      "-out",
      files.cert,
      "-days",
      String(options.days ?? 825),
      "-extfile",
      extensions,
    ]);
    if (options.keyPassword === undefined) {
      await Deno.rename(plainKey, files.key);
    } else {
      await openssl(dir, [
        "pkcs8",
        "-topk8",
        "-v2",
        "aes-256-cbc",
        "-in",
        plainKey,
        "-out",
        files.key,
        "-passout",
        `pass:${options.keyPassword}`,
      ]);
    }
  } finally {
    for (const file of [plainKey, request, extensions]) await Deno.remove(file).catch(() => {});
  }
  return files;
}
