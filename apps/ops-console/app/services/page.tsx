import { ServiceBoard } from "../../src/services/service-board.tsx";
import { OpsShell } from "../../src/shell/ops-shell.tsx";

export const metadata = { title: "Services" };

export default function ServicesPage() {
  return (
    <OpsShell
      current="/services"
      title="Services"
      description="Live instances from the service registry (etcd leases). The gateway routes to the ready ones; a drained or dead instance leaves within its lease TTL."
    >
      <ServiceBoard />
    </OpsShell>
  );
}
