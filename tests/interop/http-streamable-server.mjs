#!/usr/bin/env node
// A stateful Streamable HTTP server on the official TypeScript SDK's
// StreamableHTTPServerTransport, for tests/interop/http-client-test.sh:
// /mcp answers POSTs with SSE (and keeps events for Last-Event-ID
// resumption), /json answers them with plain JSON. Both hand out session ids
// and end a session on DELETE.
//
//   node tests/interop/http-streamable-server.mjs 127.0.0.1:PORT
//
// Tools: echo {message}; add {a, b}; drop, which closes its own SSE stream
// before answering, so the client must resume with GET + Last-Event-ID.
// Logs to stderr, a line each: "PATH session ID initialized", "... deleted",
// "PATH GET resumes after EVENT-ID", and the Authorization and X-Trip
// headers an initialize came with. A test
// oracle, not product code.

import { createEventStore, exitOnErrorOrSignal, loadSdk, parseHostPort, sleep } from './lib.mjs';

const [{ Server }, { StreamableHTTPServerTransport }, T] = await loadSdk('http-streamable-server', [
  'server/index.js',
  'server/streamableHttp.js',
  'types.js',
]);
const http = await import('node:http');
const { randomUUID } = await import('node:crypto');

const addr = parseHostPort(process.argv[2]);
if (!addr) {
  process.stderr.write('usage: http-streamable-server.mjs ADDR:PORT\n');
  process.exit(2);
}
const { host, port } = addr;
const log = (s) => process.stderr.write(`${s}\n`);

const TOOLS = [
  { name: 'echo', inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] } },
  { name: 'add', inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } },
  { name: 'drop', description: 'Closes its SSE stream, then answers', inputSchema: { type: 'object', properties: {} } },
];

function createServer() {
  const server = new Server({ name: 'streamable-server', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(T.ListToolsRequestSchema, async () => ({ tools: TOOLS }));
  server.setRequestHandler(T.CallToolRequestSchema, async (req, extra) => {
    const a = req.params.arguments ?? {};
    switch (req.params.name) {
      case 'echo':
        return { content: [{ type: 'text', text: `echo: ${a.message}` }] };
      case 'add':
        return { content: [{ type: 'text', text: `sum: ${Number(a.a) + Number(a.b)}` }] };
      case 'drop':
        if (!extra.closeSSEStream) return { content: [{ type: 'text', text: 'no stream to drop' }], isError: true };
        extra.closeSSEStream();
        await sleep(200);
        return { content: [{ type: 'text', text: 'answered after the stream was dropped' }] };
      default:
        return { content: [{ type: 'text', text: `unknown tool ${req.params.name}` }], isError: true };
    }
  });
  return server;
}

const sessions = new Map(); // "path id" -> transport

async function readJson(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

const httpServer = http.createServer(async (req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (path !== '/mcp' && path !== '/json') {
    res.writeHead(404).end('not found');
    return;
  }
  try {
    const sid = req.headers['mcp-session-id'];
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    if (req.headers['last-event-id']) log(`${path} ${req.method} resumes after ${req.headers['last-event-id']}`);
    if (sid) {
      const t = sessions.get(`${path} ${sid}`);
      if (!t) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
        return;
      }
      await t.handleRequest(req, res, body);
      return;
    }
    if (req.method !== 'POST' || body?.method !== 'initialize') {
      res.writeHead(400).end('Bad Request: Mcp-Session-Id header is required');
      return;
    }
    log(`${path} initialize authorization=${req.headers.authorization ?? '-'} x-trip=${req.headers['x-trip'] ?? '-'}`);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: path === '/json',
      eventStore: path === '/mcp' ? createEventStore() : undefined,
      retryInterval: 100,
      onsessioninitialized: (id) => {
        sessions.set(`${path} ${id}`, transport);
        log(`${path} session ${id} initialized`);
      },
      onsessionclosed: (id) => {
        sessions.delete(`${path} ${id}`);
        log(`${path} session ${id} deleted`);
      },
    });
    await createServer().connect(transport);
    await transport.handleRequest(req, res, body);
  } catch (err) {
    log(`http-streamable-server: ${err?.stack || err}`);
    if (!res.headersSent) res.writeHead(500).end();
  }
});
httpServer.listen(port, host, () => log(`http-streamable-server: listening on http://${host}:${port}/mcp and /json`));
exitOnErrorOrSignal(httpServer, 'http-streamable-server');
