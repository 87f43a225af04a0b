/**
 * Asks a TLS server for its certificate (serial, expiry, protocol) without sending anything else:
 * plain TLS, or Postgres's in-protocol upgrade (an SSLRequest packet, answered with `S`, then the
 * handshake). What the console's certificate view and the rotation drill read.
 */
import { readFileSync } from "node:fs";
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";

export interface PeerCertificate {
  subject: string;
  serial: string;
  notAfter: Date;
  protocol: string | null;
}

/** Postgres's SSLRequest: length 8, code 80877103. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

function postgresUpgrade(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`${host}:${port}: no answer`)));
    socket.once("error", reject);
    socket.once("connect", () => socket.write(SSL_REQUEST));
    socket.once("data", (b) => {
      if (b[0] === 0x53) resolve(socket);
      else {
        socket.destroy();
        reject(new Error(`${host}:${port} does not offer TLS`));
      }
    });
  });
}

export async function peerCertificate(
  host: string,
  port: number,
  opts: {
    protocol?: "tls" | "postgres";
    timeoutMs?: number;
    /** A client pair, for servers that ask for one in the handshake (etcd's mutual TLS). */
    client?: { cert: string; key: string };
  } = {},
): Promise<PeerCertificate> {
  const timeoutMs = opts.timeoutMs ?? 3_000;
  const socket =
    opts.protocol === "postgres" ? await postgresUpgrade(host, port, timeoutMs) : undefined;
  return new Promise((resolve, reject) => {
    // Reading what the server presents, not trusting it: nothing is sent over this connection.
    const client = opts.client
      ? { cert: readFileSync(opts.client.cert), key: readFileSync(opts.client.key) }
      : {};
    const tls = tlsConnect({ host, port, socket, rejectUnauthorized: false, ...client });
    tls.setTimeout(timeoutMs, () =>
      tls.destroy(new Error(`${host}:${port}: TLS handshake timed out`)),
    );
    tls.once("error", reject);
    tls.once("secureConnect", () => {
      const c = tls.getPeerCertificate();
      resolve({
        subject: [c.subject?.CN ?? ""].flat()[0] ?? "",
        serial: c.serialNumber.toLowerCase().replace(/^0+/, ""),
        notAfter: new Date(c.valid_to),
        protocol: tls.getProtocol(),
      });
      tls.destroy();
    });
  });
}
