import { describe, expect, it } from "vitest";
import { parseServersState } from "./runtime-api.ts";

// As HAProxy 2.6 answers `show servers state b` (captured).
const ANSWER = `1
# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
3 b 1 storefront-1 127.0.0.1 2 8 1 1 53 8 2 0 6 0 0 0 - 19982 - 0 0 - - 0
3 b 2 storefront-2 127.0.0.1 0 5 1 1 69 1 0 0 14 0 0 0 - 1 - 0 0 - - 0
3 b 3 storefront-3 127.0.0.1 0 4 1 1 2 17 2 0 6 0 0 0 - 19983 - 0 0 - - 0

`;

describe("parseServersState", () => {
  it("reads name, address, port and admin state of every server", () => {
    expect(parseServersState(ANSWER)).toEqual([
      { backend: "b", name: "storefront-1", addr: "127.0.0.1", port: 19982, maint: false, drain: true, opState: 2, weight: 1 },
      { backend: "b", name: "storefront-2", addr: "127.0.0.1", port: 1, maint: true, drain: false, opState: 0, weight: 1 },
      // 0x04 only says "disabled in the configuration": out of maintenance since the runtime API readied it.
      { backend: "b", name: "storefront-3", addr: "127.0.0.1", port: 19983, maint: false, drain: false, opState: 0, weight: 1 },
    ]);
  });

  it("refuses an answer that is not a server state table", () => {
    expect(() => parseServersState("Unknown command\n")).toThrow(/unexpected answer/);
  });
});
