/**
 * The local topology's private certificate authority: one CA per state folder, and the server
 * certificates it signs for the servers the project starts (today: every Postgres member). The
 * certificates are made with the `openssl` command line: Node can read X.509 but not issue it, and
 * a CA library would be one more dependency for four openssl calls.
 *
 * Everything lives in `<state>/pki/`: `ca.crt` (world-readable: clients verify against it),
 * `ca.key` (0600), and per server `<name>.crt` / `<name>.key`. A server's files are copied to
 * where its process can read them (a Postgres member's key must belong to the postgres OS user).
 */
import { execFileSync } from "node:child_process";
import { randomBytes, X509Certificate } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

/** Server certificates live this long; rotation issues a new one long before (see rotate). */
export const SERVER_CERT_DAYS = 90;
const CA_DAYS = 3650;

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
}

/**
 * What a certificate may prove: a server's identity, a client's (mTLS), or both — an etcd peer
 * is the server of one Raft connection and the client of another; a Redis node is the client of
 * the master it replicates from.
 */
export type CertUsage = "server" | "client" | "peer";
const EXTENDED_KEY_USAGE: Record<CertUsage, string> = {
  server: "serverAuth",
  client: "clientAuth",
  peer: "serverAuth,clientAuth",
};

export interface IssuedCert {
  cert: string;
  key: string;
  serial: string;
  notAfter: Date;
}

function openssl(args: string[]): void {
  try {
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`openssl ${args[0]} failed: ${stderr ?? String(err)}`);
  }
}

/** A subject's common name: `/`, `=`, `+` and `,` would be read as RDN syntax by -subj. */
const commonName = (s: string) => s.replace(/[/=+,\\]/g, " ").replace(/\s+/g, " ").trim();

/** The state folder's CA, created on first use. */
export function ensureCa(stateDir: string, label: string): Pki {
  const dir = join(stateDir, "pki");
  const pki = { dir, caCert: join(dir, "ca.crt"), caKey: join(dir, "ca.key") };
  if (existsSync(pki.caCert) && existsSync(pki.caKey)) return pki;
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const tmpKey = `${pki.caKey}.tmp`;
  const tmpCert = `${pki.caCert}.tmp`;
  // prettier-ignore
  openssl([
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", tmpKey, "-out", tmpCert, "-days", String(CA_DAYS),
    "-subj", `/CN=${commonName(`Agora local CA ${label}`)}`,
    "-addext", "basicConstraints=critical,CA:TRUE,pathlen:0",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  chmodSync(tmpKey, 0o600);
  chmodSync(tmpCert, 0o644);
  renameSync(tmpKey, pki.caKey);
  renameSync(tmpCert, pki.caCert);
  return pki;
}

/**
 * Issues (or re-issues: rotation) the server certificate `name` for the given addresses. Written
 * beside the old one and renamed over it, so a server reloading at any moment reads a whole pair.
 */
export function issueServerCert(
  pki: Pki,
  name: string,
  opts: {
    ips?: string[];
    dns?: string[];
    days?: number;
    usage?: CertUsage;
    /** The subject's common name (default: `name`); a service identity's is its service name. */
    subject?: string;
  } = {},
): IssuedCert {
  const { ips = ["127.0.0.1"], dns = ["localhost"], days = SERVER_CERT_DAYS, usage = "server" } = opts;
  const base = join(pki.dir, name);
  const tmp = `${base}.${process.pid}.${randomBytes(4).toString("hex")}`;
  const san = [...ips.map((i) => `IP:${i}`), ...dns.map((d) => `DNS:${d}`)].join(",");
  try {
    // prettier-ignore
    openssl([
      "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
      "-keyout", `${tmp}.key`, "-out", `${tmp}.csr`, "-subj", `/CN=${commonName(opts.subject ?? name)}`,
      "-addext", `subjectAltName=${san}`,
      "-addext", `extendedKeyUsage=${EXTENDED_KEY_USAGE[usage]}`,
    ]);
    // prettier-ignore
    openssl([
      "x509", "-req", "-in", `${tmp}.csr`, "-CA", pki.caCert, "-CAkey", pki.caKey,
      "-set_serial", `0x${randomBytes(16).toString("hex")}`, "-days", String(days),
      "-copy_extensions", "copyall", "-out", `${tmp}.crt`,
    ]);
    chmodSync(`${tmp}.key`, 0o600);
    renameSync(`${tmp}.key`, `${base}.key`);
    renameSync(`${tmp}.crt`, `${base}.crt`);
  } finally {
    rmSync(`${tmp}.csr`, { force: true });
    rmSync(`${tmp}.key`, { force: true });
    rmSync(`${tmp}.crt`, { force: true });
  }
  return { cert: `${base}.crt`, key: `${base}.key`, ...describeCert(readFileSync(`${base}.crt`)) };
}

/** Serial and expiry of a PEM or DER certificate. */
export function describeCert(pemOrDer: Buffer | string): { serial: string; notAfter: Date } {
  const x = new X509Certificate(pemOrDer);
  return { serial: x.serialNumber.toLowerCase().replace(/^0+/, ""), notAfter: new Date(x.validTo) };
}

/**
 * Copies an issued pair to `dir` as `<name>.crt`/`<name>.key` (default `server`; atomically,
 * key 0600).
 */
export function installPair(
  issued: IssuedCert,
  dir: string,
  chown?: (path: string) => void,
  name = "server",
): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  for (const [from, to, mode] of [
    [issued.cert, cert, 0o644],
    [issued.key, key, 0o600],
  ] as const) {
    const tmp = `${to}.tmp`;
    writeFileSync(tmp, readFileSync(from), { mode });
    chmodSync(tmp, mode);
    chown?.(tmp);
    renameSync(tmp, to);
  }
  return { cert, key };
}
