import { describe, expect, it } from "vitest";
import { inFlightByAddress, parseShowStat, StatCsvError } from "./haproxy-stat.ts";

// `show stat` of HAProxy 2.6, trimmed to the first columns plus the ones read (order as HAProxy's).
const HEADER =
  "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,mode,algo";
const row = (px: string, sv: string, qcur: number, scur: number, stot: number, status: string, rtime: number, addr: string) => {
  const f = new Array<string>(HEADER.slice(2).split(",").length).fill("");
  const h = HEADER.slice(2).split(",");
  const set = (k: string, v: string | number) => (f[h.indexOf(k)] = String(v));
  set("pxname", px);
  set("svname", sv);
  set("qcur", qcur);
  set("scur", scur);
  set("stot", stot);
  set("status", status);
  set("rtime", rtime);
  set("addr", addr);
  return f.join(",");
};
const CSV = [
  HEADER,
  row("gateway_edge", "FRONTEND", 0, 40, 9000, "OPEN", 0, ""),
  row("storefront_gateway", "storefront-1", 0, 16, 4000, "UP", 0, "127.0.0.1:17500"),
  row("storefront_gateway", "storefront-2", 1, 12, 3900, "UP", 0, "127.0.0.1:17501"),
  row("storefront_gateway", "storefront-3", 0, 0, 0, "MAINT", 0, "127.0.0.1:1"),
  row("storefront_gateway", "storefront-4", 0, 3, 10, "DRAIN", 0, "127.0.0.1:17503"),
  row("storefront_gateway", "BACKEND", 10, 31, 7910, "UP", 42, ""),
  "",
].join("\n");

describe("HAProxy show stat", () => {
  it("parses rows by the header's column names", () => {
    const rows = parseShowStat(CSV);
    expect(rows).toHaveLength(6);
    expect(rows[1]).toMatchObject({ proxy: "storefront_gateway", server: "storefront-1", scur: 16, qcur: 0, status: "UP", addr: "127.0.0.1:17500", stot: 4000 });
    expect(rows.at(-1)).toMatchObject({ server: "BACKEND", qcur: 10, rtime: 42, stot: 7910 });
  });

  it("counts in flight per routed instance: served + its queue + a share of the backend's queue", () => {
    const m = inFlightByAddress(parseShowStat(CSV), "storefront_gateway");
    // Draining and maintenance slots take no new requests: not instances of the tier's load.
    expect([...m.keys()]).toEqual(["127.0.0.1:17500", "127.0.0.1:17501"]);
    expect(m.get("127.0.0.1:17500")).toBe(16 + 0 + 5);
    expect(m.get("127.0.0.1:17501")).toBe(12 + 1 + 5);
  });

  it("adds up the rows of every HAProxy instance of the edge (each serves its share of the connections)", () => {
    const rows = [...parseShowStat(CSV), ...parseShowStat(CSV)];
    const m = inFlightByAddress(rows, "storefront_gateway");
    expect([...m.keys()]).toEqual(["127.0.0.1:17500", "127.0.0.1:17501"]);
    expect(m.get("127.0.0.1:17500")).toBe(2 * (16 + 0 + 5));
    expect(m.get("127.0.0.1:17501")).toBe(2 * (12 + 1 + 5));
  });

  it("refuses an answer without a header", () => {
    expect(() => parseShowStat("Unknown command\n")).toThrow(StatCsvError);
  });
});
