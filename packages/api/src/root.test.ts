import { describe, expect, it } from "vitest";
import { APP_ROUTERS, appRouter } from "./root.ts";

const pathsOf = (router: { _def: { procedures: object } }) => Object.keys(router._def.procedures);
const domains = (router: { _def: { procedures: object } }) =>
  new Set(pathsOf(router).map((p) => p.split(".")[0]));

describe("app routers", () => {
  it("serves vendor procedures only in the vendor portal and ops procedures only in the console", () => {
    for (const [app, router] of Object.entries(APP_ROUTERS)) {
      const d = domains(router);
      expect(d.has("vendor") || d.has("invitations"), app).toBe(app === "vendor-portal");
      expect(d.has("ops"), app).toBe(app === "ops-console");
      expect(d.has("checkout") || d.has("cart") || d.has("auth"), app).toBe(app === "storefront");
    }
  });

  it("serves every procedure in some app", () => {
    const served = new Set(Object.values(APP_ROUTERS).flatMap(pathsOf));
    expect(pathsOf(appRouter).filter((p) => !served.has(p))).toEqual([]);
  });
});
