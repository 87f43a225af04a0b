import type { AgoraSession } from "@agora/auth";
import { describe, expect, it } from "vitest";
import { mayJoin, type RoomAccess } from "./room-access.ts";
import { parseRoom, type Room } from "./rooms.ts";

const ORDER = "0b6f1c52-8d0e-4a7e-9c1a-2f1e5d7c9a10";
const OWNER = "5d2c7a1e-3b4f-4c6d-8e9f-0a1b2c3d4e5f";
const OTHER = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";

const session = (userId: string): AgoraSession => ({
  userId,
  email: "x@y.z",
  name: "X",
  roles: ["shopper"],
});
const access = (caller: string | null, owner: string | null | Error): RoomAccess => ({
  sessionOf: async () => (caller ? session(caller) : null),
  orderOwner: async () => {
    if (owner instanceof Error) throw owner;
    return owner;
  },
  orderSnapshot: async () => null,
});
const room = (name: string) => parseRoom(name) as Room;
const h = new Headers();

describe("who may join a room", () => {
  it("lets anyone into a product room", async () => {
    expect(await mayJoin(access(null, null), room(`product:${ORDER}`), h)).toEqual({ ok: true });
  });

  it("lets the owner into the order room", async () => {
    expect(await mayJoin(access(OWNER, OWNER), room(`order:${ORDER}`), h)).toEqual({ ok: true });
  });

  it("refuses another user, and answers an unknown order the same way", async () => {
    expect(await mayJoin(access(OTHER, OWNER), room(`order:${ORDER}`), h)).toEqual({
      ok: false,
      error: "forbidden",
    });
    expect(await mayJoin(access(OTHER, null), room(`order:${ORDER}`), h)).toEqual({
      ok: false,
      error: "forbidden",
    });
  });

  it("refuses a caller without a session before reading the order", async () => {
    const a = access(null, new Error("must not be asked"));
    expect(await mayJoin(a, room(`order:${ORDER}`), h)).toEqual({
      ok: false,
      error: "unauthorized",
    });
  });

  it("says unavailable, not forbidden, when the owner cannot be read", async () => {
    expect(await mayJoin(access(OWNER, new Error("db down")), room(`order:${ORDER}`), h)).toEqual({
      ok: false,
      error: "unavailable",
    });
  });
});
