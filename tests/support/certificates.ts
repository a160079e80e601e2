/**
 * Certificates for TLS tests, made by openssl: a site CA, a server certificate it issues (for
 * a subject, with or without subjectAltName), and openssl's own SHA-256 fingerprint.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { normalizePin } from "../../src/tls/mod.ts";

/** Runs openssl in `cwd`; fails the test with its stderr when it fails; resolves to stdout. */
export async function openssl(cwd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

/**
 * A site CA (`ca.pem`, `ca.key`) and a server certificate it issued (`server.pem`,
 * `server.key`) for `subject`, with `san` as subjectAltName when given (e.g. `IP:127.0.0.1`).
 */
export async function makeSiteCertificates(
  dir: string,
  options: { subject: string; san?: string },
): Promise<void> {
  await openssl(dir, [
    ...selfSignedArgs({ key: "ca.key", cert: "ca.pem", subject: "/CN=piddiplatsch test CA" }),
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign",
  ]);
  await openssl(dir, ["genrsa", "-out", "server.key", "2048"]);
  await openssl(dir, [
    "req",
    "-new",
    "-key",
    "server.key",
    "-subj",
    options.subject,
    "-out",
    "server.csr",
  ]);
  const san = options.san ? `subjectAltName=${options.san}\n` : "";
  await Deno.writeTextFile(
    join(dir, "ext.cnf"),
    `${san}basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
  );
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "ext.cnf",
    "-out",
    "server.pem",
  ]);
}

/** openssl's SHA-256 fingerprint of a PEM certificate in `dir`, as 64 lowercase hex digits. */
export async function opensslPin(dir: string, pem: string): Promise<string> {
  const text = await openssl(dir, ["x509", "-in", pem, "-noout", "-fingerprint", "-sha256"]);
  return normalizePin(text.split("=")[1])!;
}

/**
 * A self-signed certificate without names (`CN=anonymous`, no subjectAltName), as a
 * Handle.Net server makes for itself: `cert.pem` and `key.pem` in `dir`, and their texts.
 */
export async function makeSelfSigned(dir: string): Promise<{ cert: string; key: string }> {
  await openssl(
    dir,
    selfSignedArgs({ key: "key.pem", cert: "cert.pem", subject: "/CN=anonymous" }),
  );
  return {
    cert: await Deno.readTextFile(join(dir, "cert.pem")),
    key: await Deno.readTextFile(join(dir, "key.pem")),
  };
}

/** openssl's arguments for a self-signed certificate (RSA 2048, two days) and its key. */
function selfSignedArgs(files: { key: string; cert: string; subject: string }): string[] {
  return [
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
    "2",
    "-subj",
    files.subject,
  ];
}
