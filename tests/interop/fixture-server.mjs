#!/usr/bin/env node
// Oracle implementation of the conformance fixtures described in
// tests/interop/FIXTURES.md, written on the official TypeScript SDK's low-level
// `Server` class so that every schema and result is spelled out by hand (the
// way the C fixture server must produce them).
//
//   node tests/interop/fixture-server.mjs                       # stdio
//   node tests/interop/fixture-server.mjs --http 127.0.0.1:PORT # Streamable HTTP at /mcp
//
// It is a test oracle for tests/interop/sdk-client.mjs and conformance.sh, not
// product code. Logs go to stderr only.

import { createEventStore, exitOnErrorOrSignal, loadSdk, parseHostPort } from './lib.mjs';

const [{ Server }, T] = await loadSdk('fixture-server', ['server/index.js', 'types.js']);
const { McpError, ErrorCode } = T;

// ---------------------------------------------------------------- constants

// 1x1 red RGBA PNG (70 bytes) and a 46-byte WAV (8 kHz mono 16-bit PCM, one
// silent sample). The suite only checks that data is non-empty base64 and the
// mimeType; FIXTURES.md fixes these exact strings.
const PNG_B64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const WAV_B64 = 'UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAAAAA==';

const NO_ARGS = { type: 'object', properties: {}, additionalProperties: false };

const TOOLS = [
  { name: 'test_simple_text', description: 'Returns a simple text response', inputSchema: NO_ARGS },
  { name: 'test_image_content', description: 'Returns a PNG image content block', inputSchema: NO_ARGS },
  { name: 'test_audio_content', description: 'Returns a WAV audio content block', inputSchema: NO_ARGS },
  { name: 'test_embedded_resource', description: 'Returns an embedded text resource', inputSchema: NO_ARGS },
  { name: 'test_multiple_content_types', description: 'Returns text, image and embedded resource content', inputSchema: NO_ARGS },
  { name: 'test_tool_with_logging', description: 'Emits three info log messages while running', inputSchema: NO_ARGS },
  { name: 'test_tool_with_progress', description: 'Reports progress 0, 50, 100 of 100 while running', inputSchema: NO_ARGS },
  { name: 'test_error_handling', description: 'Always returns a tool error (isError)', inputSchema: NO_ARGS },
  {
    name: 'test_sampling',
    description: 'Asks the client to sample an LLM completion for the prompt',
    inputSchema: {
      type: 'object',
      properties: { prompt: { type: 'string', description: 'The prompt to send to the LLM' } },
      required: ['prompt'],
      additionalProperties: false,
    },
  },
  {
    name: 'test_elicitation',
    description: 'Asks the client to elicit a username and email from the user',
    inputSchema: {
      type: 'object',
      properties: { message: { type: 'string', description: 'The message to show the user' } },
      required: ['message'],
      additionalProperties: false,
    },
  },
  { name: 'test_elicitation_sep1034_defaults', description: 'Elicits a form whose fields all have defaults (SEP-1034)', inputSchema: NO_ARGS },
  { name: 'test_elicitation_sep1330_enums', description: 'Elicits a form with all five enum variants (SEP-1330)', inputSchema: NO_ARGS },
  {
    name: 'json_schema_2020_12_tool',
    description: 'Tool with JSON Schema 2020-12 features (SEP-1613)',
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: {
        address: {
          type: 'object',
          properties: { street: { type: 'string' }, city: { type: 'string' } },
        },
      },
      properties: { name: { type: 'string' }, address: { $ref: '#/$defs/address' } },
      additionalProperties: false,
    },
  },
  { name: 'test_reconnection', description: 'Closes the POST SSE stream mid-call, then answers (SEP-1699 polling)', inputSchema: NO_ARGS },
  {
    name: 'test_slow',
    description: 'Sleeps ms milliseconds, then answers "done"; cancellable',
    inputSchema: {
      type: 'object',
      properties: { ms: { type: 'integer', minimum: 0, maximum: 600000, description: 'Milliseconds to sleep' } },
      required: ['ms'],
      additionalProperties: false,
    },
  },
  {
    name: 'test_trigger_resource_update',
    description: 'Sends notifications/resources/updated for test://watched-resource to subscribers',
    inputSchema: NO_ARGS,
  },
];

const RESOURCES = [
  {
    uri: 'test://static-text',
    name: 'static-text',
    title: 'Static Text Resource',
    description: 'A static text resource for testing',
    mimeType: 'text/plain',
  },
  {
    uri: 'test://static-binary',
    name: 'static-binary',
    title: 'Static Binary Resource',
    description: 'A static binary resource (1x1 PNG) for testing',
    mimeType: 'image/png',
  },
  {
    uri: 'test://watched-resource',
    name: 'watched-resource',
    title: 'Watched Resource',
    description: 'A resource that supports subscriptions',
    mimeType: 'text/plain',
  },
];

const TEMPLATES = [
  {
    uriTemplate: 'test://template/{id}/data',
    name: 'template',
    title: 'Resource Template',
    description: 'A resource template with parameter substitution',
    mimeType: 'application/json',
  },
];

const PROMPTS = [
  { name: 'test_simple_prompt', title: 'Simple Test Prompt', description: 'A simple prompt without arguments' },
  {
    name: 'test_prompt_with_arguments',
    title: 'Prompt With Arguments',
    description: 'A prompt with required arguments',
    arguments: [
      { name: 'arg1', description: 'First test argument', required: true },
      { name: 'arg2', description: 'Second test argument', required: true },
    ],
  },
  {
    name: 'test_prompt_with_embedded_resource',
    title: 'Prompt With Embedded Resource',
    description: 'A prompt that includes an embedded resource',
    arguments: [{ name: 'resourceUri', description: 'URI of the resource to embed', required: true }],
  },
  { name: 'test_prompt_with_image', title: 'Prompt With Image', description: 'A prompt that includes image content' },
];

const ARG1_COMPLETIONS = ['paris', 'park', 'party'];

const LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

const text = (t) => ({ type: 'text', text: t });
const toolError = (t) => ({ content: [text(t)], isError: true });
const sleep = (ms, signal) =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

// ---------------------------------------------------------------- server

function createServer() {
  const server = new Server(
    { name: 'tripmcp-fixture-server', version: '1.0.0' },
    {
      capabilities: {
        tools: { listChanged: true },
        resources: { subscribe: true, listChanged: true },
        prompts: { listChanged: true },
        logging: {},
        completions: {},
      },
    }
  );
  // Per-connection (per-session) state.
  const subscriptions = new Set();
  let minLevel = null; // null: nothing set yet, send everything

  const log = async (extra, level, data) => {
    if (minLevel !== null && LEVELS.indexOf(level) < LEVELS.indexOf(minLevel)) return;
    await extra.sendNotification({ method: 'notifications/message', params: { level, data } });
  };

  server.setRequestHandler(T.SetLevelRequestSchema, async (req) => {
    const level = req.params.level;
    if (!LEVELS.includes(level)) throw new McpError(ErrorCode.InvalidParams, `Invalid log level: ${level}`);
    minLevel = level;
    return {};
  });

  server.setRequestHandler(T.ListToolsRequestSchema, async () => ({ tools: TOOLS }));

  server.setRequestHandler(T.CallToolRequestSchema, async (req, extra) => {
    const name = req.params.name;
    const args = req.params.arguments ?? {};
    switch (name) {
      case 'test_simple_text':
        return { content: [text('This is a simple text response for testing.')] };
      case 'test_image_content':
        return { content: [{ type: 'image', data: PNG_B64, mimeType: 'image/png' }] };
      case 'test_audio_content':
        return { content: [{ type: 'audio', data: WAV_B64, mimeType: 'audio/wav' }] };
      case 'test_embedded_resource':
        return {
          content: [
            {
              type: 'resource',
              resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' },
            },
          ],
        };
      case 'test_multiple_content_types':
        return {
          content: [
            text('Multiple content types test:'),
            { type: 'image', data: PNG_B64, mimeType: 'image/png' },
            {
              type: 'resource',
              resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: '{"test":"data","value":123}' },
            },
          ],
        };
      case 'test_tool_with_logging':
        await log(extra, 'info', 'Tool execution started');
        await sleep(50);
        await log(extra, 'info', 'Tool processing data');
        await sleep(50);
        await log(extra, 'info', 'Tool execution completed');
        return { content: [text('Tool with logging executed successfully')] };
      case 'test_tool_with_progress': {
        const token = req.params._meta?.progressToken;
        for (const p of [0, 50, 100]) {
          if (p) await sleep(50);
          if (token !== undefined) {
            await extra.sendNotification({
              method: 'notifications/progress',
              params: { progressToken: token, progress: p, total: 100, message: `Completed step ${p} of 100` },
            });
          }
        }
        return { content: [text('Progress test completed')] };
      }
      case 'test_error_handling':
        return toolError('This tool intentionally returns an error for testing');
      case 'test_sampling': {
        if (typeof args.prompt !== 'string') return toolError("Invalid arguments for tool test_sampling: 'prompt' must be a string");
        if (!server.getClientCapabilities()?.sampling) {
          return toolError('Sampling not supported: the client did not declare the sampling capability');
        }
        try {
          const r = await extra.sendRequest(
            {
              method: 'sampling/createMessage',
              params: { messages: [{ role: 'user', content: text(args.prompt) }], maxTokens: 100 },
            },
            T.CreateMessageResultSchema
          );
          const c = Array.isArray(r.content) ? r.content.find((b) => b.type === 'text') : r.content;
          return { content: [text(`LLM response: ${c?.type === 'text' ? c.text : ''}`)] };
        } catch (err) {
          return toolError(`Sampling failed: ${err.message}`);
        }
      }
      case 'test_elicitation':
        if (typeof args.message !== 'string') return toolError("Invalid arguments for tool test_elicitation: 'message' must be a string");
        return elicit(extra, 'User response', {
          message: args.message,
          requestedSchema: {
            type: 'object',
            properties: {
              username: { type: 'string', description: "User's response" },
              email: { type: 'string', description: "User's email address" },
            },
            required: ['username', 'email'],
          },
        });
      case 'test_elicitation_sep1034_defaults':
        return elicit(extra, 'Elicitation completed', {
          message: 'Please review and update the form fields with defaults',
          requestedSchema: {
            type: 'object',
            properties: {
              name: { type: 'string', description: 'User name', default: 'John Doe' },
              age: { type: 'integer', description: 'User age', default: 30 },
              score: { type: 'number', description: 'User score', default: 95.5 },
              status: { type: 'string', description: 'User status', enum: ['active', 'inactive', 'pending'], default: 'active' },
              verified: { type: 'boolean', description: 'Verification status', default: true },
            },
            required: [],
          },
        });
      case 'test_elicitation_sep1330_enums':
        return elicit(extra, 'Elicitation completed', {
          message: 'Please select options from the enum fields',
          requestedSchema: {
            type: 'object',
            properties: {
              untitledSingle: { type: 'string', description: 'Select one option', enum: ['option1', 'option2', 'option3'] },
              titledSingle: {
                type: 'string',
                description: 'Select one option with titles',
                oneOf: [
                  { const: 'value1', title: 'First Option' },
                  { const: 'value2', title: 'Second Option' },
                  { const: 'value3', title: 'Third Option' },
                ],
              },
              legacyEnum: {
                type: 'string',
                description: 'Select one option (legacy)',
                enum: ['opt1', 'opt2', 'opt3'],
                enumNames: ['Option One', 'Option Two', 'Option Three'],
              },
              untitledMulti: {
                type: 'array',
                description: 'Select multiple options',
                minItems: 1,
                maxItems: 3,
                items: { type: 'string', enum: ['option1', 'option2', 'option3'] },
              },
              titledMulti: {
                type: 'array',
                description: 'Select multiple options with titles',
                minItems: 1,
                maxItems: 3,
                items: {
                  anyOf: [
                    { const: 'value1', title: 'First Choice' },
                    { const: 'value2', title: 'Second Choice' },
                    { const: 'value3', title: 'Third Choice' },
                  ],
                },
              },
            },
            required: [],
          },
        });
      case 'json_schema_2020_12_tool':
        return { content: [text(`JSON Schema 2020-12 tool called with: ${JSON.stringify(args)}`)] };
      case 'test_reconnection':
        // HTTP only: end the POST SSE stream (after its priming event) so the
        // client must resume with GET + Last-Event-ID; the result is replayed.
        extra.closeSSEStream?.();
        await sleep(100);
        return {
          content: [
            text(
              'Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.'
            ),
          ],
        };
      case 'test_slow': {
        const ms = args.ms;
        if (!Number.isInteger(ms) || ms < 0 || ms > 600000) {
          return toolError(
            `Invalid arguments for tool test_slow: 'ms' must be an integer between 0 and 600000, got ${JSON.stringify(ms)}`
          );
        }
        await sleep(ms, extra.signal);
        return { content: [text('done')] }; // dropped by the SDK if the request was cancelled
      }
      case 'test_trigger_resource_update': {
        const uri = 'test://watched-resource';
        const subscribed = subscriptions.has(uri);
        if (subscribed) await server.sendResourceUpdated({ uri });
        return { content: [text(subscribed ? `Sent notifications/resources/updated for ${uri}` : `No subscription for ${uri}`)] };
      }
      default:
        throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    }
  });

  async function elicit(extra, label, params) {
    if (!server.getClientCapabilities()?.elicitation) {
      return toolError('Elicitation not supported: the client did not declare the elicitation capability');
    }
    try {
      const r = await extra.sendRequest({ method: 'elicitation/create', params }, T.ElicitResultSchema);
      return { content: [text(`${label}: action=${r.action}, content=${JSON.stringify(r.content ?? {})}`)] };
    } catch (err) {
      return toolError(`Elicitation failed: ${err.message}`);
    }
  }

  server.setRequestHandler(T.ListResourcesRequestSchema, async () => ({ resources: RESOURCES }));
  server.setRequestHandler(T.ListResourceTemplatesRequestSchema, async () => ({ resourceTemplates: TEMPLATES }));
  server.setRequestHandler(T.ReadResourceRequestSchema, async (req) => {
    const uri = req.params.uri;
    if (uri === 'test://static-text') {
      return { contents: [{ uri, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }] };
    }
    if (uri === 'test://static-binary') return { contents: [{ uri, mimeType: 'image/png', blob: PNG_B64 }] };
    if (uri === 'test://watched-resource') return { contents: [{ uri, mimeType: 'text/plain', text: 'Watched resource content' }] };
    const m = /^test:\/\/template\/([^/]+)\/data$/.exec(uri);
    if (m) {
      const id = decodeURIComponent(m[1]);
      return {
        contents: [{ uri, mimeType: 'application/json', text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) }],
      };
    }
    throw new McpError(-32002, 'Resource not found', { uri });
  });
  server.setRequestHandler(T.SubscribeRequestSchema, async (req) => {
    subscriptions.add(req.params.uri);
    return {};
  });
  server.setRequestHandler(T.UnsubscribeRequestSchema, async (req) => {
    subscriptions.delete(req.params.uri);
    return {};
  });

  server.setRequestHandler(T.ListPromptsRequestSchema, async () => ({ prompts: PROMPTS }));
  server.setRequestHandler(T.GetPromptRequestSchema, async (req) => {
    const { name } = req.params;
    const a = req.params.arguments ?? {};
    const need = (k) => {
      if (typeof a[k] !== 'string') throw new McpError(ErrorCode.InvalidParams, `Missing required argument '${k}' for prompt ${name}`);
      return a[k];
    };
    switch (name) {
      case 'test_simple_prompt':
        return { messages: [{ role: 'user', content: text('This is a simple prompt for testing.') }] };
      case 'test_prompt_with_arguments': {
        const arg1 = need('arg1');
        const arg2 = need('arg2');
        return { messages: [{ role: 'user', content: text(`Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`) }] };
      }
      case 'test_prompt_with_embedded_resource': {
        const uri = need('resourceUri');
        return {
          messages: [
            {
              role: 'user',
              content: { type: 'resource', resource: { uri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' } },
            },
            { role: 'user', content: text('Please process the embedded resource above.') },
          ],
        };
      }
      case 'test_prompt_with_image':
        return {
          messages: [
            { role: 'user', content: { type: 'image', data: PNG_B64, mimeType: 'image/png' } },
            { role: 'user', content: text('Please analyze the image above.') },
          ],
        };
      default:
        throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${name}`);
    }
  });

  server.setRequestHandler(T.CompleteRequestSchema, async (req) => {
    const { ref, argument } = req.params;
    let values = [];
    if (ref.type === 'ref/prompt' && ref.name === 'test_prompt_with_arguments' && argument.name === 'arg1') {
      values = ARG1_COMPLETIONS.filter((v) => v.startsWith(argument.value));
    }
    return { completion: { values, total: values.length, hasMore: false } };
  });

  return server;
}

// ---------------------------------------------------------------- transports

function parseArgs(argv) {
  let http = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--http' && i + 1 < argv.length) http = argv[++i];
    else if (argv[i].startsWith('--http=')) http = argv[i].slice(7);
    else {
      process.stderr.write(`usage: fixture-server.mjs [--http ADDR:PORT]\n`);
      process.exit(2);
    }
  }
  return http;
}

const httpArg = parseArgs(process.argv.slice(2));

if (!httpArg) {
  const [{ StdioServerTransport }] = await loadSdk('fixture-server', ['server/stdio.js']);
  await createServer().connect(new StdioServerTransport());
} else {
  const addr = parseHostPort(httpArg);
  if (!addr) {
    process.stderr.write(`fixture-server: bad --http value '${httpArg}'\n`);
    process.exit(2);
  }
  const { host, port } = addr;
  const [{ StreamableHTTPServerTransport }, { createMcpExpressApp }] = await loadSdk('fixture-server', [
    'server/streamableHttp.js',
    'server/express.js',
  ]);
  const { randomUUID } = await import('node:crypto');

  const sessions = new Map(); // id -> {transport, server, version}
  const app = createMcpExpressApp({ host });
  const rpcError = (res, status, code, message) => res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });

  // The SDK transport decides on priming events and closeSSEStream from the
  // request's MCP-Protocol-Version header; conformance 0.1.16 sends "2025-03-26"
  // on its raw requests although the session negotiated 2025-11-25. Judge by
  // the session's negotiated version instead, as FIXTURES.md recommends.
  const useNegotiatedVersion = (req, s) => {
    const v = req.headers['mcp-protocol-version'];
    if (!s.version || !v || v >= s.version) return;
    req.headers['mcp-protocol-version'] = s.version; // both views: the SDK reads rawHeaders
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (req.rawHeaders[i].toLowerCase() === 'mcp-protocol-version') req.rawHeaders[i + 1] = s.version;
    }
  };

  app.post('/mcp', async (req, res) => {
    try {
      const sid = req.headers['mcp-session-id'];
      if (sid) {
        const s = sessions.get(sid);
        if (!s) return rpcError(res, 404, -32001, 'Session not found');
        useNegotiatedVersion(req, s);
        return await s.transport.handleRequest(req, res, req.body);
      }
      if (req.body?.method !== 'initialize') return rpcError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
      const server = createServer();
      const entry = { server, transport: null, version: null };
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        eventStore: createEventStore(),
        retryInterval: 1000,
        onsessioninitialized: (id) => sessions.set(id, entry),
      });
      entry.transport = transport;
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
      // Negotiated version = what the server answered (same as requested when supported).
      entry.version = T.SUPPORTED_PROTOCOL_VERSIONS.includes(req.body?.params?.protocolVersion)
        ? req.body.params.protocolVersion
        : T.LATEST_PROTOCOL_VERSION;
    } catch (err) {
      process.stderr.write(`fixture-server: POST error: ${err?.stack || err}\n`);
      if (!res.headersSent) rpcError(res, 500, -32603, 'Internal server error');
    }
  });
  const sessionOnly = async (req, res) => {
    const sid = req.headers['mcp-session-id'];
    const s = sid ? sessions.get(sid) : undefined;
    if (!s) return res.status(sid ? 404 : 400).send('Invalid or missing session ID');
    useNegotiatedVersion(req, s);
    try {
      await s.transport.handleRequest(req, res);
    } catch (err) {
      process.stderr.write(`fixture-server: ${req.method} error: ${err?.stack || err}\n`);
      if (!res.headersSent) res.status(500).end();
    }
  };
  app.get('/mcp', sessionOnly);
  app.delete('/mcp', sessionOnly);

  const httpServer = app.listen(port, host, () => process.stderr.write(`fixture-server: listening on http://${host}:${port}/mcp\n`));
  exitOnErrorOrSignal(httpServer, 'fixture-server');
}
