/**
 * Tiny media files made at test time (nothing binary is committed): videos from ffmpeg's test
 * pattern and tone generators, PDFs written object by object with a correct cross-reference table.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** A `seconds`-long test-pattern video with a tone, in the container `file`'s extension names. */
export function testVideo(
  dir: string,
  file: string,
  opts: { seconds?: number; size?: string } = {},
): Buffer {
  const out = join(dir, file);
  const seconds = String(opts.seconds ?? 2);
  const size = opts.size ?? "320x240";
  execFileSync(
    "ffmpeg",
    [
      ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-threads", "1"],
      ["-f", "lavfi", "-i", `testsrc=duration=${seconds}:size=${size}:rate=25`],
      ["-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`],
      file.endsWith(".webm")
        ? ["-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libopus"]
        : ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"],
      ["-threads", "1", "-shortest", out],
    ].flat(),
    { timeout: 60_000 },
  );
  return readFileSync(out);
}

/** A PDF of `pages` pages, each a coloured rectangle and a line of text. */
export function testPdf(pages = 2): Buffer {
  const objects: string[] = [];
  const kids: string[] = [];
  // 1: catalog, 2: pages, 3: font, then per page: page object + content stream.
  objects[1] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[3] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
  for (let i = 0; i < pages; i++) {
    const page = 4 + i * 2;
    const content = `0.9 0.3 0.1 rg 50 500 300 200 re f BT /F1 24 Tf 60 450 Td (Spec sheet page ${i + 1}) Tj ET`;
    objects[page] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] ` +
      `/Resources << /Font << /F1 3 0 R >> >> /Contents ${page + 1} 0 R >>`;
    objects[page + 1] = `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
    kids.push(`${page} 0 R`);
  }
  objects[2] = `<< /Type /Pages /Kids [${kids.join(" ")}] /Count ${pages} >>`;
  let pdf = "%PDF-1.4\n";
  const offsets: number[] = [];
  for (let n = 1; n < objects.length; n++) {
    offsets[n] = pdf.length;
    pdf += `${n} 0 obj\n${objects[n]}\nendobj\n`;
  }
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let n = 1; n < objects.length; n++)
    pdf += `${String(offsets[n]).padStart(10, "0")} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, "latin1");
}

/** The top-level ISO-BMFF box types of an MP4, in file order (`moov` before `mdat` = faststart). */
export function topLevelBoxes(mp4: Buffer): string[] {
  const boxes: string[] = [];
  let at = 0;
  while (at + 8 <= mp4.length) {
    let size = mp4.readUInt32BE(at);
    const type = mp4.toString("latin1", at + 4, at + 8);
    if (size === 1) size = Number(mp4.readBigUInt64BE(at + 8));
    else if (size === 0) size = mp4.length - at;
    boxes.push(type);
    if (size < 8) break;
    at += size;
  }
  return boxes;
}
