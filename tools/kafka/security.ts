/**
 * The secure listeners of the local Kafka broker, the way ESGF clusters run them:
 * `SASL_SSL` with a PLAIN, a SCRAM-SHA-256 and a SCRAM-SHA-512 user, and `SSL` that
 * requires a client certificate. The broker's own certificate authority, its certificate
 * (SAN 127.0.0.1 and localhost), a client certificate with a password-protected key and
 * the users' passwords are made once in `<broker folder>/security/` and reused by the next
 * start on the same folder. Next to them, the client settings a test or an operator needs:
 * `client-settings.json` (every address, file and user) and ready `[kafka]` snippets with
 * the librdkafka keys (`kafka-sasl_ssl.toml`, `kafka-ssl.toml`).
 *
 * @module
 */

import { join } from "node:path";
import { type CertFiles, makeAuthority, makeCertificate } from "./certs.ts";
import { HOST } from "./ports.ts";

/** The SASL mechanisms of the `SASL_SSL` listener; each has a user of its own. */
export const SASL_MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;

/** One of {@linkcode SASL_MECHANISMS}. */
export type SaslMechanism = typeof SASL_MECHANISMS[number];

/** A user of the `SASL_SSL` listener, known to the broker under one mechanism only. */
export interface SaslUser {
  /** The mechanism (`sasl.mechanisms`). */
  mechanism: SaslMechanism;
  /** `sasl.username`. */
  username: string;
  /** `sasl.password`. */
  password: string;
}

/** What `client-settings.json` holds: everything a client of the secure listeners needs. */
export interface SecureSettings {
  /** The PLAINTEXT listener, `127.0.0.1:PORT`. */
  plaintext: string;
  /** The `SASL_SSL` listener. */
  saslSsl: string;
  /** The `SSL` listener (client certificate required). */
  ssl: string;
  /** The CA that signed the broker's and the client's certificates (`ssl.ca.location`). */
  caLocation: string;
  /** The CA's private key (for tests that need another certificate signed by it). */
  caKeyLocation: string;
  /** One user per mechanism. */
  users: SaslUser[];
  /** The client certificate for the `SSL` listener. */
  client: {
    /** `ssl.certificate.location`. */
    certificateLocation: string;
    /** `ssl.key.location` (encrypted PKCS#8). */
    keyLocation: string;
    /** `ssl.key.password`. */
    keyPassword: string;
  };
  /** The ready `[kafka]` snippets. */
  toml: { saslSsl: string; ssl: string };
}

/** The name of the settings file in the security folder. */
export const SETTINGS_FILE = "client-settings.json";

/** The broker's key material, made once per broker folder. */
export interface SecurityMaterial {
  /** The security folder. */
  dir: string;
  /** The certificate authority. */
  ca: CertFiles;
  /** The broker's certificate and key. */
  server: CertFiles;
  /** The client certificate and its encrypted key. */
  client: CertFiles & { password: string };
  /** The SASL users. */
  users: SaslUser[];
  /** Whether the material was made now (false: read from an earlier start). */
  fresh: boolean;
}

/** A random password of 24 hex characters (safe in JAAS, TOML and StorageTool arguments). */
function secret(): string {
  return [...crypto.getRandomValues(new Uint8Array(12))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function allExist(paths: string[]): Promise<boolean> {
  for (const path of paths) {
    try {
      await Deno.stat(path);
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * The key material of the broker folder `brokerDir`: read from `security/` when an earlier
 * start made it, else made now (CA, broker and client certificates, users).
 */
export async function prepareSecurity(brokerDir: string): Promise<SecurityMaterial> {
  const dir = join(brokerDir, "security");
  const ca = { cert: join(dir, "ca.pem"), key: join(dir, "ca.key") };
  const server = { cert: join(dir, "broker.pem"), key: join(dir, "broker.key") };
  const clientFiles = { cert: join(dir, "client.pem"), key: join(dir, "client.key") };
  const settingsFile = join(dir, SETTINGS_FILE);
  const files = [ca.cert, ca.key, server.cert, server.key, clientFiles.cert, clientFiles.key];
  if (await allExist([...files, settingsFile])) {
    const earlier = JSON.parse(await Deno.readTextFile(settingsFile)) as SecureSettings;
    return {
      dir,
      ca,
      server,
      client: { ...clientFiles, password: earlier.client.keyPassword },
      users: earlier.users,
      fresh: false,
    };
  }
  await Deno.mkdir(dir, { recursive: true });
  await makeAuthority(dir, "ca");
  await makeCertificate(dir, "broker", {
    ca,
    commonName: "localhost",
    altNames: [`IP:${HOST}`, "DNS:localhost"],
  });
  const password = secret();
  await makeCertificate(dir, "client", {
    ca,
    commonName: "piddiplatsch-client",
    usage: "clientAuth",
    keyPassword: password,
  });
  const users: SaslUser[] = SASL_MECHANISMS.map((mechanism) => ({
    mechanism,
    username: `${mechanism.toLowerCase().replaceAll("-", "")}_user`,
    password: secret(),
  }));
  return { dir, ca, server, client: { ...clientFiles, password }, users, fresh: true };
}

/** The ports of the secure listeners. */
export interface SecurePorts {
  /** The `SASL_SSL` listener's port. */
  saslSslPort: number;
  /** The `SSL` listener's port. */
  sslPort: number;
}

/**
 * The broker properties of the secure listeners (added to those of the PLAINTEXT and the
 * controller listener, which stay as they are).
 */
export function securityProperties(material: SecurityMaterial): Record<string, string> {
  const plain = material.users.filter((u) => u.mechanism === "PLAIN")
    .map((u) => `user_${u.username}="${u.password}"`).join(" ");
  const scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
  return {
    "sasl.enabled.mechanisms": SASL_MECHANISMS.join(","),
    "listener.name.sasl_ssl.plain.sasl.jaas.config":
      `org.apache.kafka.common.security.plain.PlainLoginModule required ${plain};`,
    "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config": scram,
    "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config": scram,
    "listener.name.ssl.ssl.client.auth": "required",
    "ssl.keystore.type": "PEM",
    "ssl.keystore.location": combinedPem(material),
    "ssl.truststore.type": "PEM",
    "ssl.truststore.location": material.ca.cert,
  };
}

/** The file with the broker's key and certificate chain that a PEM key store reads. */
export function combinedPem(material: SecurityMaterial): string {
  return join(material.dir, "broker-keystore.pem");
}

/** Writes the PEM key store (key, certificate, CA) of the broker. */
export async function writeKeyStore(material: SecurityMaterial): Promise<void> {
  const parts = await Promise.all(
    [material.server.key, material.server.cert, material.ca.cert].map((f) => Deno.readTextFile(f)),
  );
  await Deno.writeTextFile(combinedPem(material), parts.map((p) => p.trimEnd()).join("\n") + "\n", {
    mode: 0o600,
  });
}

/** StorageTool arguments that create the SCRAM users when the storage is formatted. */
export function scramFormatArgs(material: SecurityMaterial): string[] {
  return material.users.filter((u) => u.mechanism !== "PLAIN").flatMap((u) => [
    "--add-scram",
    `${u.mechanism}=[name=${u.username},password=${u.password}]`,
  ]);
}

/** ConfigCommand arguments that create (or reset) one SCRAM user on a running broker. */
export function scramConfigArgs(user: SaslUser, bootstrap: string): string[] {
  return [
    "--bootstrap-server",
    bootstrap,
    "--alter",
    "--add-config",
    `${user.mechanism}=[password=${user.password}]`,
    "--entity-type",
    "users",
    "--entity-name",
    user.username,
  ];
}

/** A TOML string. */
function quoted(text: string): string {
  return JSON.stringify(text);
}

/**
 * Writes `client-settings.json` and the `[kafka]` snippets for the listeners' addresses;
 * returns the settings. The files hold passwords: they are readable by their owner only.
 */
export async function writeClientSettings(
  material: SecurityMaterial,
  addresses: { plaintext: string; saslSsl: string; ssl: string },
): Promise<SecureSettings> {
  const toml = {
    saslSsl: join(material.dir, "kafka-sasl_ssl.toml"),
    ssl: join(material.dir, "kafka-ssl.toml"),
  };
  const settings: SecureSettings = {
    ...addresses,
    caLocation: material.ca.cert,
    caKeyLocation: material.ca.key,
    users: material.users,
    client: {
      certificateLocation: material.client.cert,
      keyLocation: material.client.key,
      keyPassword: material.client.password,
    },
    toml,
  };
  const main = material.users.find((u) => u.mechanism === "SCRAM-SHA-512")!;
  const others = material.users.filter((u) => u !== main)
    .map((u) =>
      `#   ${u.mechanism}: "sasl.username" = ${quoted(u.username)}, ` +
      `"sasl.password" = ${quoted(u.password)}`
    );
  const saslSsl = [
    "# The local broker's SASL_SSL listener (deno task kafka --secure).",
    "[kafka]",
    `"bootstrap.servers" = ${quoted(addresses.saslSsl)}`,
    `"security.protocol" = "SASL_SSL"`,
    `"sasl.mechanisms" = ${quoted(main.mechanism)}`,
    `"sasl.username" = ${quoted(main.username)}`,
    `"sasl.password" = ${quoted(main.password)}`,
    `"ssl.ca.location" = ${quoted(material.ca.cert)}`,
    "# The other users (one per mechanism):",
    ...others,
  ];
  const ssl = [
    "# The local broker's SSL listener, client certificate required (deno task kafka --secure).",
    "[kafka]",
    `"bootstrap.servers" = ${quoted(addresses.ssl)}`,
    `"security.protocol" = "SSL"`,
    `"ssl.ca.location" = ${quoted(material.ca.cert)}`,
    `"ssl.certificate.location" = ${quoted(material.client.cert)}`,
    `"ssl.key.location" = ${quoted(material.client.key)}`,
    `"ssl.key.password" = ${quoted(material.client.password)}`,
  ];
  const privately = { mode: 0o600 };
  await Deno.writeTextFile(toml.saslSsl, saslSsl.join("\n") + "\n", privately);
  await Deno.writeTextFile(toml.ssl, ssl.join("\n") + "\n", privately);
  await Deno.writeTextFile(
    join(material.dir, SETTINGS_FILE),
    JSON.stringify(settings, null, 2) + "\n",
    privately,
  );
  return settings;
}
