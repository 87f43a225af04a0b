/**
 * The `Range` request header of a media GET (RFC 9110 §14), for one file of `size` bytes. One
 * range is served as 206; a header that is malformed, or asks for several ranges, is ignored (the
 * whole file, 200 — what the RFC allows and what video players never send); a range starting at
 * or past the end is unsatisfiable (416 with `Content-Range: bytes *\/size`).
 */
export type RangeAnswer =
  { kind: "whole" } | { kind: "partial"; start: number; end: number } | { kind: "unsatisfiable" };

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

export function byteRange(header: string | undefined, size: number): RangeAnswer {
  if (!header) return { kind: "whole" };
  const m = SINGLE_RANGE.exec(header.trim());
  if (!m) return { kind: "whole" };
  const [, from, to] = m;
  if (from === "" && to === "") return { kind: "whole" };
  if (from === "") {
    // Suffix: the last N bytes.
    const n = Number(to);
    if (n === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(from);
  const end = to === "" ? size - 1 : Number(to);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return { kind: "whole" };
  if (to !== "" && end < start) return { kind: "whole" };
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "partial", start, end: Math.min(end, size - 1) };
}
