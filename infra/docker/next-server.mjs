// Entry of a Next.js standalone server in a container: listen on HOST/PORT like every Agora
// process. Next's server.js reads HOSTNAME, which container runtimes set to the host name.
process.env.HOSTNAME = process.env.HOST ?? "0.0.0.0";
await import("./server.js");
