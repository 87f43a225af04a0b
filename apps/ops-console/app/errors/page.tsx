import { ErrorBoard } from "../../src/telemetry/error-board.tsx";
import { OpsShell } from "../../src/shell/ops-shell.tsx";

export const metadata = { title: "Errors" };

export default function ErrorsPage() {
  return (
    <OpsShell
      current="/errors"
      title="Errors"
      description="Every process's errors, grouped, with the trace of the latest one. Works with or without a Sentry DSN."
    >
      <ErrorBoard />
    </OpsShell>
  );
}
