/** Production refuses plaintext internal links: the service identity and etcd's pair are required. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../load-config.ts";
import { configErrorOf } from "../testing.ts";
import { etcdTlsSchema } from "./etcd.ts";
import { serviceTlsSchema } from "./service-tls.ts";

const files = { AGORA_TLS_CA_FILE: "/t/ca.crt", AGORA_TLS_CERT_FILE: "/t/tls.crt", AGORA_TLS_KEY_FILE: "/t/tls.key" };

describe("service identity files", () => {
  it("may be left out in development (plain links without the local PKI)", () => {
    expect(loadConfig(serviceTlsSchema, { AGORA_ENV: "development" }).AGORA_TLS_CA_FILE).toBeUndefined();
  });

  it("are required in production, each named", () => {
    const err = configErrorOf(() => loadConfig(serviceTlsSchema, { AGORA_ENV: "production" }));
    expect(err.variables).toEqual(["AGORA_TLS_CA_FILE", "AGORA_TLS_CERT_FILE", "AGORA_TLS_KEY_FILE"]);
    expect(err.message).toMatch(/required in production/);
  });

  it("go together everywhere: a key without its certificate is refused", () => {
    const { AGORA_TLS_CERT_FILE: _cert, ...partial } = files;
    expect(configErrorOf(() => loadConfig(serviceTlsSchema, partial)).variables).toEqual(["AGORA_TLS_CERT_FILE"]);
    expect(loadConfig(serviceTlsSchema, { ...files, AGORA_ENV: "production" }).AGORA_TLS_KEY_FILE).toBe("/t/tls.key");
  });
});

describe("etcd client TLS", () => {
  it("is required in production", () => {
    const err = configErrorOf(() => loadConfig(etcdTlsSchema, { AGORA_ENV: "production" }));
    expect(err.variables).toEqual(["AGORA_ETCD_CA_FILE", "AGORA_ETCD_CERT_FILE", "AGORA_ETCD_KEY_FILE"]);
  });
});
