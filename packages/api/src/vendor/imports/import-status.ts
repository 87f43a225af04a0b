/** Import progress for the portal's progress bar and the row-error CSV download. */
import { core } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { csvLine, type RowError } from "./import-contract.ts";

export const importIdInput = z.object({ importId: z.uuid() });

export interface ImportView {
  id: string;
  fileName: string;
  status: string;
  totalRows: number;
  processedRows: number;
  errorRows: number;
  /** 0–100; 100 once the job is done. */
  percent: number;
  failure: string | null;
  createdAt: Date;
  updatedAt: Date;
}

type Row = {
  id: string;
  fileName: string;
  status: string;
  totalRows: number;
  processedRows: number;
  errorRows: number;
  failure: string | null;
  createdAt: Date;
  updatedAt: Date;
};

const select = {
  id: true,
  fileName: true,
  status: true,
  totalRows: true,
  processedRows: true,
  errorRows: true,
  failure: true,
  createdAt: true,
  updatedAt: true,
} as const;

function view(r: Row): ImportView {
  const percent =
    r.status === "done"
      ? 100
      : r.totalRows > 0
        ? Math.floor((r.processedRows / r.totalRows) * 100)
        : 0;
  return { ...r, percent };
}

export async function listImports(vendorId: string): Promise<ImportView[]> {
  const rows = await core().primary.importJob.findMany({
    where: { vendorId },
    orderBy: { createdAt: "desc" },
    take: 20,
    select,
  });
  return rows.map(view);
}

export async function getImport(vendorId: string, importId: string): Promise<ImportView> {
  // vendorId in the filter: another tenant's import id is simply "not found".
  const row = await core().primary.importJob.findFirst({
    where: { id: importId, vendorId },
    select,
  });
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such import in your shop." });
  return view(row);
}

/** The row-level errors of an import as CSV (line, field, message). */
export async function importErrorsCsv(vendorId: string, importId: string): Promise<string> {
  const row = await core().primary.importJob.findFirst({
    where: { id: importId, vendorId },
    select: { errors: true },
  });
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such import in your shop." });
  const errors = (row.errors ?? []) as unknown as RowError[];
  return (
    [
      csvLine(["line", "field", "message"]),
      ...errors.map((e) => csvLine([e.line, e.field, e.message])),
    ].join("\r\n") + "\r\n"
  );
}
