#!/usr/bin/env node
// A server that speaks only the HTTP+SSE transport of protocol 2024-11-05,
// built on the official TypeScript SDK's SSEServerTransport (deprecated in the
// SDK, still what old servers run): GET /sse opens the stream whose first
// event names /messages?sessionId=... as the endpoint; POST there carries the
// client's messages. Anything else is 404, as in the SDK's own examples, so a
// Streamable HTTP client POSTing initialize to /sse must fall back.
//
//   node tests/interop/http-legacy-server.mjs 127.0.0.1:PORT
//
// Tools: echo {message} and add {a, b}. Logs one line per session opened and
// closed on stderr ("session ID opened" / "session ID closed"), so a test can
// tell that the client ended its stream. A test oracle, not product code.

import { exitOnErrorOrSignal, loadSdk, parseHostPort } from './lib.mjs';

const [{ Server }, { SSEServerTransport }, T] = await loadSdk('http-legacy-server', ['server/index.js', 'server/sse.js', 'types.js']);
const http = await import('node:http');

const addr = parseHostPort(process.argv[2]);
if (!addr) {
  process.stderr.write('usage: http-legacy-server.mjs ADDR:PORT\n');
  process.exit(2);
}
const { host, port } = addr;

const TOOLS = [
  {
    name: 'echo',
    description: 'Echoes the message back',
    inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
  },
  {
    name: 'add',
    description: 'Adds two numbers',
    inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
  },
];

function createServer() {
  const server = new Server({ name: 'legacy-sse-server', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(T.ListToolsRequestSchema, async () => ({ tools: TOOLS }));
  server.setRequestHandler(T.CallToolRequestSchema, async (req) => {
    const a = req.params.arguments ?? {};
    switch (req.params.name) {
      case 'echo':
        return { content: [{ type: 'text', text: `echo: ${a.message}` }] };
      case 'add':
        return { content: [{ type: 'text', text: `sum: ${Number(a.a) + Number(a.b)}` }] };
      default:
        return { content: [{ type: 'text', text: `unknown tool ${req.params.name}` }], isError: true };
    }
  });
  return server;
}

const sessions = new Map(); // sessionId -> transport

const httpServer = http.createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host ?? 'localhost'}`);
  try {
    if (req.method === 'GET' && url.pathname === '/sse') {
      const transport = new SSEServerTransport('/messages', res);
      sessions.set(transport.sessionId, transport);
      process.stderr.write(`session ${transport.sessionId} opened\n`);
      res.on('close', () => {
        sessions.delete(transport.sessionId);
        process.stderr.write(`session ${transport.sessionId} closed\n`);
      });
      await createServer().connect(transport);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/messages') {
      const transport = sessions.get(url.searchParams.get('sessionId') ?? '');
      if (!transport) {
        res.writeHead(400).end('No transport found for sessionId');
        return;
      }
      await transport.handlePostMessage(req, res);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`Cannot ${req.method} ${url.pathname}`);
  } catch (err) {
    process.stderr.write(`http-legacy-server: ${err?.stack || err}\n`);
    if (!res.headersSent) res.writeHead(500).end();
  }
});
httpServer.listen(port, host, () => process.stderr.write(`http-legacy-server: listening on http://${host}:${port}/sse\n`));
exitOnErrorOrSignal(httpServer, 'http-legacy-server');
