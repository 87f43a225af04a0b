/** Progress while the bench runs: one line per step on stderr, so `--json` output stays clean. */
export interface Progress {
  step(name: string, detail: string): void;
  tick(detail: string): void;
  done(summary: string): void;
}

export function stderrProgress(enabled = true): Progress {
  let current = "";
  let started = 0;
  const tty = process.stderr.isTTY;
  const write = (line: string, final: boolean) => {
    if (!enabled) return;
    if (tty) process.stderr.write(`\r\x1b[2K${line}${final ? "\n" : ""}`);
    else if (final) process.stderr.write(`${line}\n`);
  };
  return {
    step(name, detail) {
      current = name;
      started = Date.now();
      if (enabled) process.stderr.write(`▸ ${name}: ${detail}\n`);
    },
    tick(detail) {
      write(`  ${current} ${((Date.now() - started) / 1000).toFixed(0)} s · ${detail}`, false);
    },
    done(summary) {
      write(`  ${current} ✔ ${summary}`, true);
    },
  };
}

export const silentProgress: Progress = { step() {}, tick() {}, done() {} };
