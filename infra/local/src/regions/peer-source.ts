/**
 * Which process dialled a connection the region link accepted, on this one machine: etcd gives a
 * member a single advertised peer URL that every other member dials, so the link's listener for a
 * member cannot tell by its address whether the dialler is in eu, in us or at the witness — and the
 * pair decides the fault (a cut between the regions must not cut the witness off). The kernel knows:
 * the connection's other end is a socket of the dialling process, found through /proc/net/tcp (its
 * inode, by the two ports) and the candidates' /proc/<pid>/fd links.
 *
 * Written by hand: separate network namespaces per site would give each its own addresses, but the
 * rest of the topology (and every test) runs on 127.0.0.1; this keeps that and costs a file read per
 * new peer connection (long-lived streams, a handful per member).
 */
import { readdir, readFile, readlink } from "node:fs/promises";

/** `0100007F:1F90` (little-endian IPv4 : port, as /proc/net/tcp prints it) for 127.0.0.1:port. */
function procAddr(port: number): string {
  return `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * The socket inode of the end at `localPort` of the loopback connection `localPort` ⇄ `remotePort`
 * (what /proc/net/tcp lists as that socket's local and remote addresses), if the kernel lists it.
 */
export function socketInode(procNetTcp: string, localPort: number, remotePort: number): string | undefined {
  // The table lists every TCP socket of the machine (thousands of lines on a busy box): find the one
  // line by its two addresses instead of splitting them all (each new peer connection reads it).
  const at = procNetTcp.indexOf(` ${procAddr(localPort)} ${procAddr(remotePort)} `);
  if (at < 0) return undefined;
  const end = procNetTcp.indexOf("\n", at);
  const f = procNetTcp.slice(at, end < 0 ? undefined : end).trim().split(/\s+/);
  // local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
  return f[8];
}

/**
 * The pid among `candidates` holding the dialling end of `accepted` (a socket this process accepted
 * on 127.0.0.1), or undefined (not one of them, or gone already).
 */
export async function diallingPid(
  accepted: { remotePort?: number; localPort?: number },
  candidates: readonly number[],
): Promise<number | undefined> {
  const { remotePort, localPort } = accepted;
  if (remotePort === undefined || localPort === undefined) return undefined;
  const inode = socketInode(await readFile("/proc/net/tcp", "utf8"), remotePort, localPort);
  if (!inode || inode === "0") return undefined;
  const needle = `socket:[${inode}]`;
  for (const pid of candidates) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
      if (target === needle) return pid;
    }
  }
  return undefined;
}
