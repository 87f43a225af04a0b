/** `tsx src/pages/write-stylesheet.ts [dir]` (the build, after bundling): dist/login.css. */
import { writePageStylesheet } from "./styles.ts";

const file = await writePageStylesheet(process.argv[2] ?? "dist");
process.stdout.write(`@agora/identity: ${file}\n`);
