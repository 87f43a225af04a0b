/**
 * The pages' stylesheet: Agora's Tailwind theme (packages/ui styles.css, the one the three apps
 * import) compiled once at start for exactly the classes the pages use, with Tailwind's own
 * compiler — so the provider looks like the apps without a second copy of the theme or a build
 * step. Served at STYLESHEET_PATH with a long cache lifetime.
 *
 * An image carries no workspace theme or Tailwind sources: its build writes the compiled sheet
 * beside the bundle (`dist/login.css`, write-stylesheet.ts), and the provider reads that one when
 * it is there (`pageStyles`).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { compile } from "tailwindcss";
import { signInPage } from "./sign-in-page.ts";
import { signedOutPage, signOutPage } from "./sign-out-page.ts";
import { signUpPage } from "./sign-up-page.ts";

const require = createRequire(import.meta.url);

/** Every class the pages can render (each page drawn once, with an error, so none is missed). */
function candidates(): string[] {
  const sample = { uid: "x", clientName: "Agora", error: "x", email: "x", name: "x" };
  const html =
    signInPage(sample) +
    signUpPage(sample) +
    signOutPage('<form id="op.logoutForm"></form>', "n") +
    signedOutPage();
  const classes = new Set<string>();
  for (const m of html.matchAll(/class="([^"]*)"/g))
    for (const c of m[1]!.split(/\s+/)) if (c) classes.add(c);
  return [...classes];
}

async function stylesheet(path: string) {
  return { path, base: dirname(path), content: await readFile(path, "utf8") };
}

export async function compilePageStyles(): Promise<string> {
  const theme = require.resolve("@agora/ui/styles.css");
  const compiler = await compile(await readFile(theme, "utf8"), {
    base: dirname(theme),
    loadStylesheet: (id, base) =>
      stylesheet(
        id === "tailwindcss" ? require.resolve("tailwindcss/index.css") : resolve(base, id),
      ),
  });
  return compiler.build(candidates());
}

/** The compiled sheet's file name beside the bundle's entry (`dist/login.css`). */
export const STYLESHEET_FILE = "login.css";

/** The sheet written at build time at `prebuilt` if it exists, else compiled now (development). */
export async function pageStyles(prebuilt: URL): Promise<string> {
  try {
    return await readFile(prebuilt, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  return compilePageStyles();
}

/** Compiles the sheet into `dir` (the build's output folder); returns the file written. */
export async function writePageStylesheet(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = resolve(dir, STYLESHEET_FILE);
  await writeFile(file, await compilePageStyles());
  return file;
}
