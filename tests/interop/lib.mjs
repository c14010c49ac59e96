// What the Node interop scripts share: the PASS/FAIL harness of the SDK
// clients (travel-, weather-, calendar- and sdk-client.mjs), spawning one of
// our programs over the SDK's StdioClientTransport with its stderr kept for
// the failure report and the sanitizer check, JSON helpers, and the plumbing
// of the HTTP test servers (loading the SDK, ADDR:PORT, the Last-Event-ID
// event store, listening until SIGTERM).
//
// The SDK is loaded lazily (loadSdk, harness.stdioTransport), so a server
// importing this file can still say "run tests/interop/setup.sh" itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

// ------------------------------------------------------------------ checks
// A CheckError is a failed expectation; its message is the whole reason.
export class CheckError extends Error {}
export const fail = (msg) => {
  throw new CheckError(msg);
};
export const expect = (cond, msg) => {
  if (!cond) fail(msg);
};
// JSON of v, cut to 240 characters for a FAIL line.
export const js = (v) => {
  const s = JSON.stringify(v);
  return s && s.length > 240 ? s.slice(0, 237) + '...' : s;
};
export const expectEq = (actual, want, what) => {
  if (!isDeepStrictEqual(actual, want)) fail(`${what}: expected ${js(want)}, got ${js(actual)}`);
};
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// The first content block of resource URI, parsed as JSON.
export const readJson = async (client, uri, opts) => JSON.parse((await client.readResource({ uri }, opts)).contents[0].text);

// harness(TAG, {timeoutMs, timeoutText}): counts checks printed as
// `PASS TAG: name` / `FAIL TAG: name: why`; finish() prints the server's last
// stderr lines on failure, `N passed, N failed`, and exits 1 on any failure.
// finish(extra) counts extra as one more failure. After timeoutMs (60 s) it
// finishes with "overall: hard timeout after <timeoutText>".
export function harness(tag, { timeoutMs = 60000, timeoutText = `${timeoutMs / 1000} s` } = {}) {
  let passed = 0;
  let failed = 0;
  const stderrLines = [];
  const beforeSummary = []; // async, e.g. closing clients
  const atExit = []; // sync, after the summary line
  const h = {
    stderrLines,
    // Runs fn; PASS when it returns, FAIL with the reason when it throws.
    async check(name, fn) {
      try {
        await fn();
        console.log(`PASS ${tag}: ${name}`);
        passed++;
        return true;
      } catch (err) {
        const msg = err instanceof CheckError ? err.message : `${err?.name || 'Error'}: ${err?.message ?? err}`;
        console.log(`FAIL ${tag}: ${name}: ${String(msg).replace(/\s+/g, ' ')}`);
        failed++;
        return false;
      }
    },
    // Runs synchronously up to process.exit when nothing was registered with
    // beforeSummary, so a caller that does not await it stops there.
    async finish(extra) {
      if (extra) {
        console.log(`FAIL ${tag}: ${extra}`);
        failed++;
      }
      if (failed && stderrLines.length) {
        console.log('--- last server stderr lines ---');
        for (const l of stderrLines.slice(-15)) console.log(`  server: ${l}`);
      }
      for (const fn of beforeSummary) await fn();
      console.log(`${passed} passed, ${failed} failed`);
      for (const fn of atExit) {
        try {
          fn();
        } catch {}
      }
      process.exit(failed ? 1 : 0);
    },
    beforeSummary: (fn) => beforeSummary.push(fn),
    atExit: (fn) => atExit.push(fn),
    stopTimer: () => clearTimeout(timer),
    // A fresh directory under the system temp dir, removed at exit.
    tempDir(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      atExit.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
    // Keeps the non-blank lines of a stream (the last max of them) for the
    // failure report and the sanitizer check.
    captureStderr(stream, max = Infinity) {
      stream?.on('data', (d) => {
        for (const l of String(d).split('\n')) if (l.trim()) stderrLines.push(l);
        if (stderrLines.length > max) stderrLines.splice(0, stderrLines.length - max);
      });
    },
    // A StdioClientTransport running command with args (env added to ours),
    // its stderr captured.
    async stdioTransport({ command, args = [], env = {}, maxStderrLines }) {
      const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
      const transport = new StdioClientTransport({ command, args, env: { ...process.env, ...env }, stderr: 'pipe' });
      h.captureStderr(transport.stderr, maxStderrLines);
      return transport;
    },
    // Closes client (our program exits on EOF), gives ASan's leak check its
    // moment, then checks that no sanitizer report reached stderr.
    async checkNoSanitizerReport(client) {
      await client.close();
      await sleep(500);
      await h.check('server stderr has no sanitizer report', async () => {
        const bad = stderrLines.filter((l) => /Sanitizer|runtime error/.test(l));
        expect(bad.length === 0, bad.slice(0, 3).join(' | '));
      });
    },
  };
  const timer = setTimeout(() => h.finish(`overall: hard timeout after ${timeoutText}`), timeoutMs);
  return h;
}

// ------------------------------------------------------------------ HTTP test servers
// The SDK modules paths (under dist/esm/) for server NAME, or exit 2 saying
// to run setup.sh.
export async function loadSdk(name, paths) {
  const nm = new URL('./node_modules/', import.meta.url);
  return Promise.all(paths.map((p) => import(new URL(`@modelcontextprotocol/sdk/dist/esm/${p}`, nm).href))).catch((err) => {
    process.stderr.write(`${name}: cannot load the MCP SDK (${err.message}); run tests/interop/setup.sh\n`);
    process.exit(2);
  });
}

// ADDR:PORT or [V6ADDR]:PORT (ADDR defaults to 127.0.0.1) as {host, port},
// or null.
export function parseHostPort(arg) {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(arg ?? '');
  return m && { host: m[1] ?? (m[2] || '127.0.0.1'), port: Number(m[3]) };
}

// A Streamable HTTP event store, one per session; event ids are
// "<streamId>_<seq>" so a Last-Event-ID names both the stream to resume and
// the position in it.
export function createEventStore() {
  const events = []; // {id, streamId, seq, message}
  let seq = 0;
  return {
    async storeEvent(streamId, message) {
      const id = `${streamId}_${++seq}`;
      events.push({ id, streamId, seq, message });
      return id;
    },
    async getStreamIdForEventId(eventId) {
      return events.find((e) => e.id === eventId)?.streamId;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const last = events.find((e) => e.id === lastEventId);
      if (!last) throw new Error(`unknown event id ${lastEventId}`);
      for (const e of events) {
        if (e.streamId === last.streamId && e.seq > last.seq && Object.keys(e.message).length > 0) await send(e.id, e.message);
      }
      return last.streamId;
    },
  };
}

// After httpServer.listen(): a listen error is fatal (exit 1, logged as
// "NAME: why"), SIGTERM and SIGINT close the server and exit 0.
export function exitOnErrorOrSignal(httpServer, name) {
  httpServer.on('error', (err) => {
    process.stderr.write(`${name}: ${err.message}\n`);
    process.exit(1);
  });
  const shutdown = () => {
    httpServer.close();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
