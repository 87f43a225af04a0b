import { Badge, EmptyState, Table, type Column } from "@agora/ui";
import type { RouterOutputs } from "@agora/api";
import { RotateCertificatesButton } from "./rotate-certificates-button.tsx";

type Overview = RouterOutputs["ops"]["certificates"]["list"];
type Row = Overview["rows"][number];

const TONE = {
  ok: "success",
  expiring: "warning",
  expired: "danger",
  unreachable: "danger",
} as const;

const columns: Column<Row>[] = [
  { key: "endpoint", header: "Server", cell: (r) => r.endpoint },
  {
    key: "address",
    header: "Address",
    hideOnMobile: true,
    cell: (r) => <span className="font-mono text-xs">{r.address}</span>,
  },
  {
    key: "expires",
    header: "Expires",
    cell: (r) =>
      r.notAfter ? (
        <span>
          {r.notAfter.slice(0, 10)}{" "}
          <Badge tone={TONE[r.state]}>{r.state === "ok" ? `${r.daysLeft} days` : r.state}</Badge>
        </span>
      ) : (
        <Badge tone="danger">{r.error ?? "unreachable"}</Badge>
      ),
  },
  { key: "protocol", header: "TLS", align: "right", cell: (r) => r.protocol ?? "—" },
  {
    key: "serial",
    header: "Serial",
    hideOnMobile: true,
    cell: (r) => <span className="font-mono text-xs">{r.serial?.slice(0, 16) ?? "—"}</span>,
  },
];

/** The servers' TLS certificates as a client is shown them in the handshake, with a rotation. */
export function CertificatesSection({
  overview,
}: {
  overview: { ok: true; data: Overview } | { ok: false; reason: string };
}) {
  return (
    <section aria-labelledby="certificates-heading">
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h2 id="certificates-heading" className="text-sm font-semibold">
          Server certificates (encryption in transit)
        </h2>
        <RotateCertificatesButton />
      </div>
      {!overview.ok ? (
        <EmptyState tone="error" title="Certificates unavailable" description={overview.reason} />
      ) : overview.data.available ? (
        <Table caption="Server certificates" columns={columns} rows={overview.data.rows} rowKey={(r) => r.endpoint} />
      ) : (
        <p className="text-sm text-zinc-500">This deployment reports no TLS endpoints.</p>
      )}
    </section>
  );
}
