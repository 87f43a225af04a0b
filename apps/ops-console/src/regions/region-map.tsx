import type { RouterOutputs } from "@agora/api";

type Overview = Extract<RouterOutputs["ops"]["regions"]["overview"], { available: true }>;
type Region = Overview["regions"][number];
type Link = Overview["links"][number];

const BOX_W = 260;
const BOX_H = 190;
const GAP = 120;

const LINK_STYLE: Record<Link["state"]["mode"], { stroke: string; dash?: string; label: string }> = {
  healthy: { stroke: "#22c55e", label: "healthy" },
  cut: { stroke: "#e11d48", dash: "6 6", label: "cut" },
  "one-way": { stroke: "#f59e0b", dash: "10 4", label: "one-way (us → eu lost)" },
  flaky: { stroke: "#f59e0b", dash: "2 4", label: "flaky" },
};

function RegionBox({ region, x }: { region: Region; x: number }) {
  const lines = [
    region.holdsCorePrimary ? "core primary (orders, ledger)" : null,
    region.primaries.filter((p) => p !== "core").length
      ? `shards: ${region.primaries.filter((p) => p !== "core").join(", ")}`
      : null,
    region.copies.length ? `read-only copy: ${region.copies.join(", ")}` : null,
    `storefronts: ${region.storefronts.length}`,
    `Redis: ${region.redis.length} nodes`,
    region.workers.length ? `worker pools: ${region.workers.length}` : "no worker pool (eu starts its sagas)",
  ].filter((l): l is string => l !== null);
  return (
    <g transform={`translate(${x}, 10)`} data-testid={`region-${region.name}`}>
      <rect width={BOX_W} height={BOX_H} rx={14} className="fill-white stroke-zinc-300 dark:fill-zinc-900 dark:stroke-zinc-700" strokeWidth={1.5} />
      <text x={16} y={30} className="fill-current" fontSize={18} fontWeight={600}>
        {region.name}
        {region.holdsCorePrimary ? " · core region" : ""}
      </text>
      {lines.map((l, i) => (
        <text key={l} x={16} y={60 + i * 22} fontSize={13} className="fill-zinc-600 dark:fill-zinc-400">
          {l}
        </text>
      ))}
    </g>
  );
}

/** The regions as boxes and the link between them, drawn in its mode (SVG, scales to a phone). */
export function RegionMap({ regions, links }: { regions: Region[]; links: Link[] }) {
  const width = regions.length * BOX_W + (regions.length - 1) * GAP + 20;
  const link = links[0];
  const style = link ? LINK_STYLE[link.state.mode] : undefined;
  const y = 10 + BOX_H / 2;
  const x1 = 10 + BOX_W;
  const x2 = x1 + GAP;
  return (
    <svg
      viewBox={`0 0 ${width} ${BOX_H + 20}`}
      className="h-auto w-full max-w-3xl text-zinc-900 dark:text-zinc-100"
      role="img"
      aria-label={
        regions.length === 1
          ? `One region: ${regions[0]?.name ?? "eu"}`
          : `Regions ${regions.map((r) => r.name).join(" and ")}, link ${style?.label ?? "unknown"}`
      }
    >
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill={style?.stroke ?? "#71717a"} />
        </marker>
      </defs>
      {regions.map((r, i) => (
        <RegionBox key={r.name} region={r} x={10 + i * (BOX_W + GAP)} />
      ))}
      {regions.length > 1 && (
        <g data-testid="region-link">
          <line
            x1={x1}
            y1={y}
            x2={x2}
            y2={y}
            stroke={style?.stroke ?? "#71717a"}
            strokeWidth={4}
            strokeDasharray={style?.dash}
            // one-way: eu → us still delivered, us → eu swallowed
            markerStart={link?.state.mode === "one-way" ? undefined : "url(#arrow)"}
            markerEnd="url(#arrow)"
          />
          <text x={(x1 + x2) / 2} y={y - 14} textAnchor="middle" fontSize={13} className="fill-current">
            {style?.label ?? "link unreachable"}
          </text>
          {link && (
            <text x={(x1 + x2) / 2} y={y + 24} textAnchor="middle" fontSize={13} className="fill-zinc-600 dark:fill-zinc-400">
              {link.state.rttMs} ms RTT
            </text>
          )}
        </g>
      )}
    </svg>
  );
}
