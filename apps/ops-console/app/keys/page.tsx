import { Badge, EmptyState, Table, type Column } from "@agora/ui";
import type { RouterOutputs } from "@agora/api";
import { CertificatesSection } from "../../src/keys/certificates-section.tsx";
import { RotateKeyButton } from "../../src/keys/rotate-key-button.tsx";
import { OpsShell } from "../../src/shell/ops-shell.tsx";
import { api, orUnavailable } from "../../src/trpc/server.tsx";

export const metadata = { title: "Keys" };
export const dynamic = "force-dynamic";

type Overview = RouterOutputs["ops"]["keys"]["overview"];
type Key = Overview["keys"][number];
type DataKeys = Overview["dataKeys"][number];
type Audit = Overview["audit"][number];

const keyColumns: Column<Key>[] = [
  { key: "name", header: "Transit key", cell: (k) => <span className="font-mono text-xs">{k.name}</span> },
  { key: "latest", header: "Latest version", align: "right", cell: (k) => `v${k.latestVersion}` },
  { key: "min", header: "Min. decryption version", align: "right", cell: (k) => `v${k.minDecryptionVersion}` },
  {
    key: "versions",
    header: "Versions",
    hideOnMobile: true,
    cell: (k) =>
      Object.entries(k.versions)
        .map(([v, at]) => `v${v} ${at.slice(0, 10)}`)
        .join(", "),
  },
];

const dataKeyColumns: Column<DataKeys>[] = [
  { key: "table", header: "Table", cell: (d) => d.table },
  { key: "version", header: "Wrapped under", align: "right", cell: (d) => `pii v${d.version}` },
  { key: "count", header: "Data keys", align: "right", cell: (d) => d.count },
];

const auditColumns: Column<Audit>[] = [
  { key: "at", header: "When", cell: (a) => a.at.replace("T", " ").slice(0, 19) },
  { key: "actor", header: "Who", cell: (a) => a.actor },
  { key: "op", header: "What", cell: (a) => <span className="font-mono text-xs">{a.op}</span> },
  { key: "target", header: "On", hideOnMobile: true, cell: (a) => <span className="font-mono text-xs">{a.target}</span> },
  {
    key: "ok",
    header: "Outcome",
    cell: (a) => (a.ok ? <Badge tone="success">ok</Badge> : <Badge tone="danger">{a.error ?? "refused"}</Badge>),
  },
];

export default async function KeysPage() {
  const caller = await api();
  const [overview, certificates] = await Promise.all([
    orUnavailable(caller.ops.keys.overview()),
    orUnavailable(caller.ops.certificates.list()),
  ]);
  return (
    <OpsShell
      current="/keys"
      title="Keys"
      description="Personal data is sealed under per-subject data keys, wrapped by the transit key `pii`. Rotating adds a version; the maintenance pool then rewraps every stored data key and raises the minimum decryption version, so the old version decrypts nothing."
      actions={<RotateKeyButton />}
    >
      {overview.ok ? (
        <div className="space-y-8">
          <section>
            <h2 className="mb-2 text-sm font-semibold">Transit keys</h2>
            <Table columns={keyColumns} rows={overview.data.keys} rowKey={(k) => k.name} empty={<p className="text-sm text-zinc-500">No key yet: the first sign-up creates them.</p>} />
          </section>
          <section>
            <h2 className="mb-2 text-sm font-semibold">Stored data keys by version</h2>
            <Table columns={dataKeyColumns} rows={overview.data.dataKeys} rowKey={(d) => `${d.table}/${d.version}`} empty={<p className="text-sm text-zinc-500">No sealed rows yet.</p>} />
            <p className="mt-2 text-sm text-zinc-500">
              Rows still in plaintext:{" "}
              {overview.data.plaintextRows.map((r) => `${r.table} ${r.count}`).join(", ")} (sealed by the same job).
            </p>
          </section>
          <section>
            <h2 className="mb-2 text-sm font-semibold">Erasure and export (privacy)</h2>
            <p className="text-sm" data-testid="shredded-subjects">
              Shredded subject keys: <strong>{overview.data.privacy.shreddedSubjects}</strong> · erasures in progress:{" "}
              {overview.data.privacy.erasuresInProgress} · data exports in the last 24 h: {overview.data.privacy.exportsLast24h}
            </p>
            <p className="mt-1 text-sm text-zinc-500">
              Each erased account&apos;s erasure secret is destroyed in the secrets store (`kv.destroy` in the audit log
              below); every field sealed under its key is unreadable in every copy of the data.
            </p>
          </section>
          <section>
            <h2 className="mb-2 text-sm font-semibold">Rewrap job</h2>
            {overview.data.lastJob ? (
              <p className="text-sm">
                Job {overview.data.lastJob.id}: <Badge tone={overview.data.lastJob.state === "completed" ? "success" : overview.data.lastJob.state === "failed" ? "danger" : "warning"}>{overview.data.lastJob.state}</Badge>{" "}
                {overview.data.lastJob.progress
                  ? `${overview.data.lastJob.progress.percent} % (${overview.data.lastJob.progress.phase} ${overview.data.lastJob.progress.table}: ${overview.data.lastJob.progress.done}/${overview.data.lastJob.progress.total})`
                  : null}
                {overview.data.lastJob.failure ? ` — ${overview.data.lastJob.failure}` : null}
              </p>
            ) : (
              <p className="text-sm text-zinc-500">No rotation yet.</p>
            )}
          </section>
          <CertificatesSection overview={certificates} />
          <section>
            <h2 className="mb-2 text-sm font-semibold">Secrets audit log (newest first)</h2>
            <Table columns={auditColumns} rows={overview.data.audit} rowKey={(a) => `${a.at}/${a.actor}/${a.op}/${a.target}`} empty={<p className="text-sm text-zinc-500">No requests yet.</p>} />
          </section>
        </div>
      ) : (
        <EmptyState tone="error" title="Keys unavailable" description={overview.reason} />
      )}
    </OpsShell>
  );
}
