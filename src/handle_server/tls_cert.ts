/**
 * A self-signed certificate made in-process, like the one a fresh Handle.Net server makes
 * for itself: RSA 2048, SHA-256, subject and issuer `CN=anonymous`, valid from 2000 to
 * 9999, and (unless host names are asked for) no subjectAltName, so it is valid for no
 * host name. A small DER encoder builds it; WebCrypto makes the key and the signature.
 *
 * @module
 */

/** A certificate and its key, as PEM, and the certificate's SHA-256 pin. */
export interface SelfSignedCertificate {
  /** The certificate, PEM. */
  certPem: string;
  /** The private key, PKCS#8 PEM. */
  keyPem: string;
  /** Lowercase hex SHA-256 of the DER certificate. */
  pin: string;
}

/** Options of {@linkcode makeSelfSignedCertificate}. */
export interface CertificateOptions {
  /** Host names and IP addresses for a subjectAltName extension; none by default. */
  names?: readonly string[];
}

/** Makes a new key pair and a self-signed certificate for it. */
export async function makeSelfSignedCertificate(
  options: CertificateOptions = {},
): Promise<SelfSignedCertificate> {
  const keys = await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  );
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey));
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  const algorithm = seq(oid("1.2.840.113549.1.1.11"), NULL);
  const name = seq(set(seq(oid("2.5.4.3"), tlv(0x0c, ascii("anonymous")))));
  const serial = crypto.getRandomValues(new Uint8Array(16));
  serial[0] &= 0x7f;
  serial[0] |= 0x01;
  const parts = [
    tlv(0xa0, integer(new Uint8Array([2]))),
    integer(serial),
    algorithm,
    name,
    seq(tlv(0x17, ascii("000101000000Z")), tlv(0x18, ascii("99991231235959Z"))),
    name,
    spki,
  ];
  const names = options.names ?? [];
  if (names.length > 0) {
    const general = names.map((n) => ipBytes(n) ? tlv(0x87, ipBytes(n)!) : tlv(0x82, ascii(n)));
    parts.push(tlv(0xa3, seq(seq(oid("2.5.29.17"), tlv(0x04, seq(...general))))));
  }
  const tbs = seq(...parts);
  const signature = new Uint8Array(
    await crypto.subtle.sign("RSASSA-PKCS1-v1_5", keys.privateKey, new Uint8Array(tbs)),
  );
  const der = seq(tbs, algorithm, tlv(0x03, concat(new Uint8Array([0]), signature)));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(der)));
  return {
    certPem: pem("CERTIFICATE", der),
    keyPem: pem("PRIVATE KEY", pkcs8),
    pin: Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
  };
}

const NULL = new Uint8Array([0x05, 0x00]);

function tlv(tag: number, body: Uint8Array): Uint8Array {
  const n = body.length;
  let head: number[];
  if (n < 0x80) head = [tag, n];
  else if (n < 0x100) head = [tag, 0x81, n];
  else if (n < 0x10000) head = [tag, 0x82, n >> 8, n & 0xff];
  else head = [tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return concat(new Uint8Array(head), body);
}

function seq(...items: Uint8Array[]): Uint8Array {
  return tlv(0x30, concat(...items));
}

function set(...items: Uint8Array[]): Uint8Array {
  return tlv(0x31, concat(...items));
}

function integer(bytes: Uint8Array): Uint8Array {
  return tlv(0x02, bytes[0] & 0x80 ? concat(new Uint8Array([0]), bytes) : bytes);
}

function oid(text: string): Uint8Array {
  const [a, b, ...rest] = text.split(".").map(Number);
  const out = [a * 40 + b];
  for (const arc of rest) {
    const bytes = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) bytes.unshift((v & 0x7f) | 0x80);
    out.push(...bytes);
  }
  return tlv(0x06, new Uint8Array(out));
}

function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function ipBytes(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^[0-9]{1,3}$/.test(p) && +p < 256)) {
    return undefined;
  }
  return new Uint8Array(parts.map(Number));
}

function concat(...items: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(items.reduce((n, item) => n + item.length, 0));
  let offset = 0;
  for (const item of items) {
    out.set(item, offset);
    offset += item.length;
  }
  return out;
}

function pem(label: string, der: Uint8Array): string {
  const base64 = btoa(String.fromCharCode(...der));
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
