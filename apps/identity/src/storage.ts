/**
 * oidc-provider's storage adapter. Clients come from core: every active vendor API key is an OAuth
 * client (client id = the key's prefix, secret = the key itself; see `compareClientSecret` in
 * provider.ts), so revoking a key in the portal removes its client at once. Everything else the
 * provider stores (sessions, interactions, grants, authorization codes) is short-lived and goes to
 * Redis with the provider's own TTLs, shared by every provider instance.
 */
import { core } from "@agora/db";
import type { Redis } from "ioredis";
import type { Adapter, AdapterPayload } from "oidc-provider";

/** The extra client metadata carrying a key's tenant into its tokens. */
export const VENDOR_ID_CLAIM = "vendor_id";

async function vendorKeyClient(clientId: string): Promise<AdapterPayload | undefined> {
  if (!/^[0-9a-f]{12}$/.test(clientId)) return undefined;
  const row = await core().primary.vendorApiKey.findUnique({
    where: { prefix: clientId },
    select: { vendorId: true, secretHash: true, scopes: true, revokedAt: true },
  });
  if (!row || row.revokedAt) return undefined;
  return {
    client_id: clientId,
    // The stored SHA-256, compared against the hash of what the client sends (provider.ts).
    client_secret: row.secretHash,
    grant_types: ["client_credentials"],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: "client_secret_basic",
    scope: row.scopes.join(" "),
    [VENDOR_ID_CLAIM]: row.vendorId,
  };
}

export function storageAdapter(redis: Redis): new (name: string) => Adapter {
  const key = (model: string, id: string) => `oidc:${model}:${id}`;
  return class RedisAdapter implements Adapter {
    constructor(private readonly name: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const k = key(this.name, id);
      const multi = redis.multi().set(k, JSON.stringify(payload), "EX", Math.max(1, expiresIn));
      if (payload.grantId)
        multi
          .sadd(key("grant", payload.grantId), k)
          .expire(key("grant", payload.grantId), Math.max(1, expiresIn));
      if (payload.uid)
        multi.set(key(`${this.name}:uid`, payload.uid), id, "EX", Math.max(1, expiresIn));
      if (payload.userCode)
        multi.set(key(`${this.name}:userCode`, payload.userCode), id, "EX", Math.max(1, expiresIn));
      await multi.exec();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.name === "Client") return vendorKeyClient(id);
      const raw = await redis.get(key(this.name, id));
      return raw ? (JSON.parse(raw) as AdapterPayload) : undefined;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = await redis.get(key(`${this.name}:uid`, uid));
      return id ? this.find(id) : undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = await redis.get(key(`${this.name}:userCode`, userCode));
      return id ? this.find(id) : undefined;
    }

    async consume(id: string): Promise<void> {
      const k = key(this.name, id);
      const raw = await redis.get(k);
      if (!raw) return;
      const ttl = await redis.ttl(k);
      await redis.set(
        k,
        JSON.stringify({ ...(JSON.parse(raw) as object), consumed: Math.floor(Date.now() / 1000) }),
        "EX",
        Math.max(1, ttl),
      );
    }

    async destroy(id: string): Promise<void> {
      await redis.del(key(this.name, id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const members = await redis.smembers(key("grant", grantId));
      await redis.del(...members, key("grant", grantId));
    }
  };
}
