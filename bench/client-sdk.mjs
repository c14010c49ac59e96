#!/usr/bin/env node
// The client benchmark's other side: the official TypeScript SDK client (v1,
// pinned in tests/interop/package.json) drives one MCP server, over stdio or
// (--url) Streamable HTTP, exactly as bench/client-driver.c does with ours:
// sequential tools/call round trips (p50, p99) and calls per second with
// many in flight. Prints one line:
//
//   BENCH-CLIENT label=NAME client=ts-sdk transport=stdio|http p50_us=..
//       p99_us=.. cps=.. errors=N
//       cli_cpu_us=..   (the client's CPU time per call with many in flight)
//
//   node bench/client-sdk.mjs [--calls N] [--seq N] [--warmup N]
//        [--inflight N] [--tool NAME] [--args JSON] [--label NAME]
//        -- SERVER_CMD [ARGS...]  |  --url http://HOST:PORT/mcp
//
// Needs tests/interop/setup.sh to have installed the SDK.

import { setMaxListeners } from 'node:events';

const NM = new URL('../tests/interop/node_modules/', import.meta.url);
const sdk = (p) => import(new URL(`@modelcontextprotocol/sdk/dist/esm/${p}`, NM).href);

function usage(code) {
  process.stderr.write(
    'usage: client-sdk.mjs [--calls N] [--seq N] [--warmup N] [--inflight N]\n' +
      '                      [--tool NAME] [--args JSON] [--label NAME]\n' +
      '                      -- SERVER_CMD... | --url http://HOST:PORT/mcp\n'
  );
  process.exit(code);
}

function parseArgs(argv) {
  const o = { calls: 20000, seq: 5000, warmup: 1000, inflight: 64, tool: 'echo',
    args: { text: 'hi' }, label: null, cmd: [], url: null };
  const count = (opt, v, min) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      process.stderr.write(`client-sdk: ${opt}: '${v}' is not a whole number >= ${min}\n`);
      process.exit(2);
    }
    return n;
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    if (a === '-h' || a === '--help') usage(0);
    const v = argv[i + 1];
    if (v === undefined) usage(2);
    i++;
    if (a === '--calls') o.calls = count(a, v, 0);
    else if (a === '--seq') o.seq = count(a, v, 0);
    else if (a === '--warmup') o.warmup = count(a, v, 0);
    else if (a === '--inflight') o.inflight = count(a, v, 1);
    else if (a === '--tool') o.tool = v;
    else if (a === '--label') o.label = v;
    else if (a === '--url') {
      try { o.url = new URL(v); } catch {
        process.stderr.write(`client-sdk: --url: '${v}' is not a URL; try http://127.0.0.1:8080/mcp\n`);
        process.exit(2);
      }
    }
    else if (a === '--args') {
      try { o.args = JSON.parse(v); } catch { o.args = null; }
      if (o.args === null || typeof o.args !== 'object' || Array.isArray(o.args)) {
        process.stderr.write(`client-sdk: --args: '${v}' is not a JSON object\n`);
        process.exit(2);
      }
    } else {
      process.stderr.write(`client-sdk: unknown option '${a}'\n`);
      usage(2);
    }
  }
  o.cmd = argv.slice(i);
  if ((o.cmd.length === 0) === (o.url === null)) usage(2);
  if (!o.label) o.label = o.url ? 'http' : o.cmd[0].split('/').pop();
  o.label = o.label.replace(/[\s=]/g, '_');
  return o;
}

const o = parseArgs(process.argv.slice(2));
// The SDK's HTTP transport hangs one abort listener per call on one shared
// AbortSignal; node would warn about it on every call past 1500.
setMaxListeners(0);
let Client, StdioClientTransport, StreamableHTTPClientTransport;
try {
  ({ Client } = await sdk('client/index.js'));
  ({ StdioClientTransport } = await sdk('client/stdio.js'));
  ({ StreamableHTTPClientTransport } = await sdk('client/streamableHttp.js'));
} catch (err) {
  process.stderr.write(`client-sdk: cannot load the MCP SDK from ${NM.pathname} (${err.message}); ` +
    'run tests/interop/setup.sh first\n');
  process.exit(2);
}

let errors = 0;
let firstError = '';
const check = (r) => {
  if (!Array.isArray(r?.content) || r.isError) {
    errors++;
    firstError ||= r?.isError ? 'tool returned isError' : 'result has no content array';
  }
};
const failed = (err) => {
  errors++;
  firstError ||= String(err?.message || err);
};

const transport = o.url
  ? new StreamableHTTPClientTransport(o.url)
  : new StdioClientTransport({ command: o.cmd[0], args: o.cmd.slice(1), stderr: 'inherit' });
const client = new Client({ name: 'tripmcp-bench-sdk-client', version: '1.0.0' });
const opts = { timeout: 30000 };
const call = () => client.callTool({ name: o.tool, arguments: o.args }, undefined, opts);
const fmt = (v, d) => (v < 0 ? '-' : v.toFixed(d));
let p50 = -1, p99 = -1, cps = -1, cpu = -1;

try {
  await client.connect(transport);
  // Sequential round trips, nanoseconds each.
  const lat = new Array(o.seq);
  for (let i = 0; i < o.warmup + o.seq; i++) {
    const t0 = process.hrtime.bigint();
    check(await call());
    if (i >= o.warmup) lat[i - o.warmup] = Number(process.hrtime.bigint() - t0);
  }
  if (o.seq > 0) {
    lat.sort((a, b) => a - b);
    const pct = (p) => lat[Math.min(o.seq, Math.max(1, Math.ceil((p / 100) * o.seq))) - 1] / 1000;
    p50 = pct(50);
    p99 = pct(99);
  }
  // inflight callers, each starting its next call when one ends.
  if (o.calls > 0) {
    let sent = 0;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const worker = async () => {
      while (sent < o.calls && errors === 0) {
        sent++;
        try { check(await call()); } catch (err) { failed(err); }
      }
    };
    await Promise.all(Array.from({ length: o.inflight }, worker));
    const ns = Number(process.hrtime.bigint() - t0);
    const used = process.cpuUsage(cpu0);
    if (ns > 0) cps = (sent * 1e9) / ns;
    if (sent > 0) cpu = (used.user + used.system) / sent;
  }
} catch (err) {
  failed(err);
}
console.log(`BENCH-CLIENT label=${o.label} client=ts-sdk transport=${o.url ? 'http' : 'stdio'} ` +
  `p50_us=${fmt(p50, 1)} ` +
  `p99_us=${fmt(p99, 1)} cps=${fmt(cps, 0)} errors=${errors} cli_cpu_us=${fmt(cpu, 2)}`);
if (errors) process.stderr.write(`client-sdk: ${o.label}: ${errors} failed replies; first: ${firstError}\n`);
await client.close().catch(() => {});
process.exit(errors ? 1 : 0);
