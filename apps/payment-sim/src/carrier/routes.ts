/** The carrier API: `/v1/shipments...`, faulted under scope `carrier`. */
import { parseWith } from "../http/errors.ts";
import type { Route } from "../http/router.ts";
import { createShipmentBodySchema } from "./schemas.ts";
import type { CarrierService } from "./service.ts";

export function carrierRoutes(carrier: CarrierService): Route[] {
  return [
    {
      method: "POST",
      pattern: "/v1/shipments",
      scope: "carrier",
      idempotent: true,
      auth: null,
      handle: ({ body }) => ({
        status: 201,
        body: carrier.create(parseWith(createShipmentBodySchema, body)),
      }),
    },
    {
      method: "GET",
      pattern: "/v1/shipments/:tracking",
      scope: "carrier",
      idempotent: false,
      auth: null,
      handle: ({ params }) => ({ status: 200, body: carrier.get(params.tracking ?? "") }),
    },
  ];
}
