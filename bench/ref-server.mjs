#!/usr/bin/env node
// Reference MCP server built on the official TypeScript SDK (v1, pinned in
// tests/interop/package.json). Used as the benchmark baseline and as a sanity
// target for tests/interop/conformance.sh.
//
//   node bench/ref-server.mjs                      # stdio transport
//   node bench/ref-server.mjs --http 127.0.0.1:8080 # Streamable HTTP at /mcp
//   node bench/ref-server.mjs --http 127.0.0.1:8080 --sse # answers as SSE
//
// Exposes a single tool: echo {text: string} -> text content equal to `text`.
// Needs `tests/interop/setup.sh` to have installed the SDK.
//
// HTTP mode is stateful (one McpServer + transport per Mcp-Session-Id), uses
// the SDK's createMcpExpressApp (Host-header DNS-rebinding protection for
// loopback binds), serves POST/GET/DELETE on /mcp, and logs to stderr only.
// It answers each POSTed request with one application/json body
// (enableJsonResponse), so that the benchmark compares plain request and
// response; --sse makes it answer with an SSE stream per POST instead.

const NM = new URL('../tests/interop/node_modules/', import.meta.url);
const sdk = (p) => import(new URL(`@modelcontextprotocol/sdk/dist/esm/${p}`, NM).href);

async function loadDeps() {
  try {
    const [{ McpServer }, { z }] = await Promise.all([
      sdk('server/mcp.js'),
      import(new URL('zod/index.js', NM).href),
    ]);
    return { McpServer, z };
  } catch (err) {
    process.stderr.write(
      `ref-server: cannot load the MCP SDK from ${NM.pathname} (${err.message}).\n` +
        'Run tests/interop/setup.sh first.\n'
    );
    process.exit(2);
  }
}

function usage(code) {
  process.stderr.write('usage: ref-server.mjs [--http ADDR:PORT [--sse]]\n');
  process.exit(code);
}

function parseArgs(argv) {
  const opts = { http: null, sse: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--http') {
      if (i + 1 >= argv.length) usage(2);
      opts.http = argv[++i];
    } else if (a.startsWith('--http=')) {
      opts.http = a.slice('--http='.length);
    } else if (a === '--sse') {
      opts.sse = true;
    } else if (a === '-h' || a === '--help') {
      usage(0);
    } else {
      process.stderr.write(`ref-server: unknown argument: ${a}\n`);
      usage(2);
    }
  }
  return opts;
}

function splitHostPort(s) {
  // Accepts "127.0.0.1:8080", "localhost:8080", "[::1]:8080", or ":8080".
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(s);
  if (!m) {
    process.stderr.write(`ref-server: bad --http value '${s}', want ADDR:PORT\n`);
    process.exit(2);
  }
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port: Number(m[3]) };
}

const { McpServer, z } = await loadDeps();

function createServer() {
  const server = new McpServer(
    { name: 'tripmcp-ref-server', version: '1.0.0' },
    { capabilities: { tools: {} } }
  );
  server.registerTool(
    'echo',
    {
      title: 'Echo',
      description: 'Echo the given text back unchanged',
      inputSchema: { text: z.string().describe('Text to echo') },
    },
    async ({ text }) => ({ content: [{ type: 'text', text }] })
  );
  return server;
}

const opts = parseArgs(process.argv.slice(2));

if (!opts.http) {
  const { StdioServerTransport } = await sdk('server/stdio.js');
  const server = createServer();
  await server.connect(new StdioServerTransport());
} else {
  const { host, port } = splitHostPort(opts.http);
  const [{ StreamableHTTPServerTransport }, { createMcpExpressApp }, { isInitializeRequest }] =
    await Promise.all([sdk('server/streamableHttp.js'), sdk('server/express.js'), sdk('types.js')]);
  const { randomUUID } = await import('node:crypto');

  const sessions = new Map(); // sessionId -> { transport, server }
  const app = createMcpExpressApp({ host });

  const jsonRpcError = (res, status, code, message) =>
    res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });

  app.post('/mcp', async (req, res) => {
    try {
      const sid = req.headers['mcp-session-id'];
      if (sid) {
        const s = sessions.get(sid);
        if (!s) return jsonRpcError(res, 404, -32001, 'Session not found');
        return await s.transport.handleRequest(req, res, req.body);
      }
      if (!isInitializeRequest(req.body)) {
        return jsonRpcError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
      }
      const server = createServer();
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: !opts.sse,
        onsessioninitialized: (id) => sessions.set(id, { transport, server }),
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
        server.close().catch(() => {});
      };
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (err) {
      process.stderr.write(`ref-server: POST error: ${err?.stack || err}\n`);
      if (!res.headersSent) jsonRpcError(res, 500, -32603, 'Internal server error');
    }
  });

  const sessionOnly = async (req, res) => {
    const sid = req.headers['mcp-session-id'];
    const s = sid ? sessions.get(sid) : undefined;
    if (!s) return res.status(sid ? 404 : 400).send('Invalid or missing session ID');
    try {
      await s.transport.handleRequest(req, res);
    } catch (err) {
      process.stderr.write(`ref-server: ${req.method} error: ${err?.stack || err}\n`);
      if (!res.headersSent) res.status(500).end();
    }
  };
  app.get('/mcp', sessionOnly);
  app.delete('/mcp', sessionOnly);

  const httpServer = app.listen(port, host, () => {
    process.stderr.write(`ref-server: listening on http://${host.includes(':') ? `[${host}]` : host}:${port}/mcp\n`);
  });
  httpServer.on('error', (err) => {
    process.stderr.write(`ref-server: ${err.message}\n`);
    process.exit(1);
  });
  const shutdown = () => {
    for (const { transport } of sessions.values()) transport.close().catch(() => {});
    httpServer.close();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
