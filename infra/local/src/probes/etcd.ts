import type { EtcdMember } from "../topology.ts";
import { httpGet, httpPost } from "../processes/wait.ts";

export interface EtcdMemberStatus {
  healthy: boolean;
  isLeader: boolean;
  raftTerm?: number;
  memberId?: string;
}

/**
 * Health and Raft role through etcd's v3 JSON gateway (`/v3/maintenance/status`), over mutual
 * TLS: the probe presents the topology's etcd client certificate.
 */
export async function etcdStatus(m: EtcdMember, timeoutMs = 800): Promise<EtcdMemberStatus> {
  try {
    const h = await httpGet(`https://127.0.0.1:${m.clientPort}/health`, timeoutMs, m.clientTls);
    const healthy = h.status === 200 && (JSON.parse(h.body) as { health?: string }).health === "true";
    const s = await httpPost(`https://127.0.0.1:${m.clientPort}/v3/maintenance/status`, {}, timeoutMs, m.clientTls);
    const body = JSON.parse(s.body) as { header?: { member_id?: string }; leader?: string; raftTerm?: string };
    return {
      healthy,
      isLeader: !!body.leader && body.leader === body.header?.member_id,
      raftTerm: body.raftTerm ? Number(body.raftTerm) : undefined,
      memberId: body.header?.member_id,
    };
  } catch (err) {
    if (err instanceof Error) return { healthy: false, isLeader: false };
    throw err;
  }
}
