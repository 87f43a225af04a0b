import { ShardBoard } from "../../src/shards/shard-board.tsx";
import { OpsShell } from "../../src/shell/ops-shell.tsx";

export const metadata = { title: "Shards" };

export default function ShardsPage() {
  return (
    <OpsShell
      current="/shards"
      title="Shards"
      description="Vendors per shard and online vendor moves: copy, catch-up, a short write fence, the directory flip. The vendor keeps selling throughout."
    >
      <ShardBoard />
    </OpsShell>
  );
}
