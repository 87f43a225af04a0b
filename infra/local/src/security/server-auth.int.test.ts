/**
 * The servers of the local topology ask every client for a password: Postgres over its unix
 * sockets and TCP (scram-sha-256, no `trust`), Redis and Sentinel (requirepass, protected mode).
 * Runs against the test topology that tests/setup starts.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { connect as tlsConnect } from "node:tls";
import { describe, expect, it } from "vitest";
import { pgHba, socketDir } from "../config/patroni.ts";
import { withRedis } from "../probes/redis.ts";
import { redisToolTls } from "./tls-files.ts";
import { PG_BIN_DIR, secrets, topology } from "../topology.ts";

const t = topology("test");
const member = t.clusters[0]!.nodes[0]!;
const psql = `${PG_BIN_DIR}/psql`;
const asRoot = process.getuid?.() === 0;

/** psql as `osUser` (root runs it through runuser), never prompting; its exit status and stderr. */
function psqlAs(
  osUser: string | undefined,
  host: string,
  password?: string,
): { ok: boolean; stderr: string } {
  const args = [
    "-w",
    "-X",
    "-h",
    host,
    "-p",
    String(member.pgPort),
    "-U",
    t.postgres.superuser,
    "-d",
    "postgres",
    "-tAc",
    "select 1",
  ];
  // No password: an empty PGPASSWORD and no password file, so psql has nothing to offer.
  const env = {
    ...process.env,
    PGPASSWORD: password ?? "",
    PGPASSFILE: "/dev/null",
    PGCONNECT_TIMEOUT: "5",
  };
  const r = osUser
    ? spawnSync("runuser", ["-u", osUser, "--", psql, ...args], { env, encoding: "utf8" })
    : spawnSync(psql, args, { env, encoding: "utf8" });
  return { ok: r.status === 0 && r.stdout.trim() === "1", stderr: r.stderr };
}

describe("Postgres authentication", () => {
  it("writes no trust line: local and host connections all ask for a scram-sha-256 password", () => {
    const hba = pgHba(t);
    expect(hba.some((l) => /\btrust\b/.test(l))).toBe(false);
    expect(hba.every((l) => l.endsWith("scram-sha-256"))).toBe(true);
    expect(hba.some((l) => l.startsWith("local "))).toBe(true);
  });

  it("keeps the unix sockets in a private folder of the state, not in the system temp folder", () => {
    const dir = socketDir(t);
    expect(dir.startsWith(`${t.pgRoot}/`) || dir.startsWith("/var/tmp/agora-pg/run-")).toBe(true);
    expect(readdirSync(dir)).toContain(`.s.PGSQL.${member.pgPort}`);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    if (asRoot)
      expect(statSync(dir).uid).toBe(Number(execFileSync("id", ["-u", "postgres"]).toString()));
    expect(existsSync(`/tmp/.s.PGSQL.${member.pgPort}`)).toBe(false);
  });

  it.skipIf(!asRoot || !existsSync(psql))(
    "refuses the postgres OS user on the unix socket without the password, and admits it with it",
    () => {
      const refused = psqlAs("postgres", socketDir(t));
      expect(refused.ok).toBe(false);
      expect(refused.stderr).toMatch(/password/i);
      expect(psqlAs("postgres", socketDir(t), secrets(t).superuserPassword).ok).toBe(true);
    },
  );

  it.skipIf(!asRoot || !existsSync(psql))("keeps every other OS user away from the sockets", () => {
    const other = psqlAs("nobody", socketDir(t), secrets(t).superuserPassword);
    expect(other.ok).toBe(false);
    expect(other.stderr).toMatch(/permission denied|No such file/i);
  });

  it.skipIf(!existsSync(psql))("refuses a TCP connection without the password, as any role", () => {
    for (const user of [t.postgres.superuser, t.postgres.replicationUser, t.postgres.appUser]) {
      const r = spawnSync(
        psql,
        [
          "-w",
          "-X",
          "-h",
          t.host,
          "-p",
          String(member.pgPort),
          "-U",
          user,
          "-d",
          "postgres",
          "-tAc",
          "select 1",
        ],
        { env: { ...process.env, PGPASSWORD: "", PGPASSFILE: "/dev/null" }, encoding: "utf8" },
      );
      expect(r.status, user).not.toBe(0);
      expect(r.stderr, user).toMatch(/password/i);
    }
  });
});

/**
 * One raw RESP exchange (no client library that would authenticate or retry), over TLS verified
 * against the topology's CA with the tools' client certificate (the servers have no plaintext
 * port and require one; internal-tls.int.test.ts covers a client without): the first reply lines.
 */
function resp(port: number, ...commands: string[][]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ port, host: t.host, ...redisToolTls(t) });
    let data = "";
    socket.setTimeout(3_000, () => socket.destroy(new Error("no answer in 3 s")));
    socket.on("error", reject);
    socket.on("data", (chunk) => {
      data += chunk.toString("utf8");
      const lines = data.split("\r\n").filter((l) => /^[-+:$*]/.test(l) && !/^\$\d/.test(l));
      if (lines.length >= commands.length) {
        socket.end();
        resolve(lines.slice(0, commands.length));
      }
    });
    for (const c of commands)
      socket.write(
        `*${c.length}\r\n${c.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`,
      );
  });
}

describe("Redis authentication", () => {
  it("answers NOAUTH to a client without the password, on every Redis node and every Sentinel", async () => {
    for (const n of t.redis.nodes)
      expect(await resp(n.port, ["GET", "any-key"])).toEqual([expect.stringMatching(/^-NOAUTH/)]);
    for (const s of t.redis.sentinels) {
      expect(
        await resp(s.port, ["SENTINEL", "get-master-addr-by-name", t.redis.masterName]),
      ).toEqual([expect.stringMatching(/^-NOAUTH/)]);
    }
  });

  it("refuses a wrong password, admits the generated one, and runs with protected mode on", async () => {
    const port = t.redis.nodes[0]!.port;
    expect(await resp(port, ["AUTH", "wrong"])).toEqual([expect.stringMatching(/^-WRONGPASS/)]);
    expect(await resp(port, ["AUTH", secrets(t).redisPassword], ["PING"])).toEqual([
      "+OK",
      "+PONG",
    ]);
    for (const n of t.redis.nodes) {
      const mode = await withRedis(
        t,
        n.port,
        (r) => r.config("GET", "protected-mode") as Promise<string[]>,
      );
      expect(mode).toEqual(["protected-mode", "yes"]);
    }
  });
});
