/**
 * Every run appended as one JSON line to `<state folder>/bench/history.jsonl`: beside the running
 * product it measured (the state folder is per profile and copy, and never in git), where the ops
 * console's local backend already looks (`AGORA_STATE_DIR`).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { BenchRun } from "./report/result.ts";

export function appendHistory(file: string, run: BenchRun): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(run)}\n`);
}

export function readHistory(file: string): BenchRun[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as BenchRun);
}
