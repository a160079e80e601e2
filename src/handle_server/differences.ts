/**
 * The differences between handle-server and a real Handle.Net 9.2.0 server that are kept
 * on purpose, each with its reason. docs/stand-in.md lists the same ones (a test checks
 * that it names each), and the conformance test (tests/handle_server/conformance_test.ts)
 * shows that on its corpus nothing else differs.
 *
 * @module
 */

/** One difference kept on purpose. */
export interface KeptDifference {
  /** What the stand-in does differently, in a few words (docs/stand-in.md uses the same words). */
  behaviour: string;
  /** Why it is kept. */
  reason: string;
}

/** The differences kept on purpose. */
export const STAND_IN_DIFFERENCES: readonly KeptDifference[] = [
  {
    behaviour: "without --tls it accepts logins over plain HTTP",
    reason: "tests, benchmarks and the demo need no certificate; with --tls it refuses " +
      "credentials over plain HTTP (403/402) as the real server does",
  },
  {
    behaviour: "the TLS key and certificate are new at every start",
    reason: "made in-process, nothing to keep on disk; clients pin the `pin` printed at start",
  },
  {
    behaviour: "--tls-name adds a subjectAltName",
    reason: "so that ca_file with host-name checking can succeed in a test; without it the " +
      "certificate is, like the real one, valid for no host name",
  },
  {
    behaviour: "one user only",
    reason: "it knows the configured user and password; it resolves no HS_SECKEY or HS_PUBKEY " +
      "of other handles and offers no public-key (challenge-response) sessions",
  },
  {
    behaviour: "the user's own handle is read-only",
    reason: "its HS_SECKEY is the password given at start; a write to it is 403/401 " +
      "instead of changing the password",
  },
  {
    behaviour: "HS_ADMIN values are stored but not enforced",
    reason: "the configured user may write every handle of the prefix, as testuser may on a " +
      "real server set up by start.sh (it is a server administrator there)",
  },
  {
    behaviour: "no prefix handles",
    reason: "0.NA/{prefix} (and /api/handles/{prefix}) carry the real server's own public " +
      "key; nothing in piddiplatsch reads them",
  },
  {
    behaviour: "data formats site and key are refused",
    reason: "their binary forms are not implemented (400, responseCode 4)",
  },
  {
    behaviour: "the detail text of Java exceptions differs",
    reason: "an unreadable body or value gets responseCode 4 and the same chain of Java " +
      "exception classes, but not Gson's own wording (line, column, path)",
  },
  {
    behaviour: "latency, load and durability knobs",
    reason: "--latency-ms, --latency-per-inflight-ms, --max-inflight (429), --data-file, " +
      "--session-ttl and --no-sessions exist for benchmarks and fault injection; all are off " +
      "by default",
  },
];
