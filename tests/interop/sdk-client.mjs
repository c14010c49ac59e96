#!/usr/bin/env node
// Drive a stdio MCP server through every server feature with the official
// TypeScript SDK client (pinned in package.json), using the fixture names and
// exact values of tests/interop/FIXTURES.md.
//
//   node tests/interop/sdk-client.mjs [--] SERVER_CMD [ARGS...]
//   e.g. node tests/interop/sdk-client.mjs -- ./build/mcp-example-everything
//        node tests/interop/sdk-client.mjs -- node tests/interop/fixture-server.mjs
//
// Prints `PASS sdk-client: <check>` or `FAIL sdk-client: <check>: <reason>` per
// check, then `N passed, N failed`. Exit 1 on any failure. Hard timeout: 60 s
// overall (SDK_CLIENT_TIMEOUT_MS overrides), 10 s per request.
// Needs tests/interop/setup.sh to have run. Works on Node >= 18.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ResourceUpdatedNotificationSchema,
  LoggingMessageNotificationSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { CheckError, expect, expectEq, fail, harness, js, sleep } from './lib.mjs';

// ------------------------------------------------------------------ harness
let argv = process.argv.slice(2);
if (argv[0] === '--') argv = argv.slice(1);
if (argv.length === 0) {
  console.error('usage: node sdk-client.mjs [--] SERVER_CMD [ARGS...]');
  process.exit(2);
}

const OVERALL_MS = Number(process.env.SDK_CLIENT_TIMEOUT_MS || 60000);
const REQ = { timeout: 10000 };
const h = harness('sdk-client', { timeoutMs: OVERALL_MS, timeoutText: `${OVERALL_MS} ms` });
const { check, finish } = h;
// Don't leave the server behind (transport is set up below; SDK 1.32.2 internal field).
h.atExit(() => globalThis.__sdkClientTransport?._process?.kill('SIGKILL'));

const texts = (result) => (result?.content ?? []).filter((c) => c.type === 'text').map((c) => c.text);
const onlyText = (result, what) => {
  expect(Array.isArray(result?.content), `${what}: result has no content array: ${js(result)}`);
  expect(result.isError !== true, `${what}: unexpected isError result: ${js(result.content)}`);
  expect(result.content.length === 1 && result.content[0].type === 'text', `${what}: expected one text block, got ${js(result.content)}`);
  return result.content[0].text;
};
const b64 = (s) => Buffer.from(s, 'base64');
const isPng = (s) => typeof s === 'string' && b64(s).subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
const isWav = (s) => {
  if (typeof s !== 'string') return false;
  const b = b64(s);
  return b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WAVE';
};
async function rpcError(promise, what) {
  try {
    const r = await promise;
    fail(`${what}: expected a JSON-RPC error, got result ${js(r)}`);
  } catch (err) {
    if (err instanceof CheckError) throw err;
    expect(err instanceof McpError, `${what}: expected McpError, got ${err?.name}: ${err?.message}`);
    return err;
  }
}
// Splits "<prefix>: action=<a>, content=<json>" (FIXTURES.md elicitation result text).
function parseElicitText(t, prefix) {
  const m = new RegExp(`^${prefix}: action=(accept|decline|cancel), content=(.*)$`, 's').exec(t ?? '');
  if (!m) fail(`result text ${js(t)} does not match '${prefix}: action=<action>, content=<json>'`);
  let content;
  try {
    content = JSON.parse(m[2]);
  } catch {
    fail(`content part of ${js(t)} is not JSON`);
  }
  return { action: m[1], content };
}

// ------------------------------------------------------------------ fixtures
const FIXTURE_TOOLS = [
  'test_simple_text',
  'test_image_content',
  'test_audio_content',
  'test_embedded_resource',
  'test_multiple_content_types',
  'test_tool_with_logging',
  'test_tool_with_progress',
  'test_error_handling',
  'test_sampling',
  'test_elicitation',
  'test_elicitation_sep1034_defaults',
  'test_elicitation_sep1330_enums',
  'json_schema_2020_12_tool',
  'test_reconnection',
  'test_slow',
  'test_trigger_resource_update',
];
const WATCHED = 'test://watched-resource';

// ------------------------------------------------------------------ client setup
const client = new Client(
  { name: 'tripmcp-sdk-client', version: '1.0.0' },
  { capabilities: { sampling: {}, elicitation: {} } }
);

// Server -> client request handlers; each test installs its own behaviour.
const seen = { sampling: [], elicitation: [] };
let samplingReply = (req) => ({
  role: 'assistant',
  content: { type: 'text', text: `sampled: ${req.params.messages?.[0]?.content?.text}` },
  model: 'tripmcp-test-model',
  stopReason: 'endTurn',
});
let elicitReply = () => ({ action: 'cancel' });
client.setRequestHandler(CreateMessageRequestSchema, async (req) => {
  seen.sampling.push(req);
  return samplingReply(req);
});
client.setRequestHandler(ElicitRequestSchema, async (req) => {
  seen.elicitation.push(req);
  return elicitReply(req);
});

const logs = [];
client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
const updates = [];
client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => updates.push(n.params));

const transport = await h.stdioTransport({ command: argv[0], args: argv.slice(1), maxStderrLines: 200 });
globalThis.__sdkClientTransport = transport;

// Tap raw wire traffic (the Client installs transport.onmessage in connect()).
const wireIn = [];
const wireOut = [];
{
  let handler;
  Object.defineProperty(transport, 'onmessage', {
    configurable: true,
    get: () => handler,
    set: (h) => {
      handler = h && ((msg, extra) => {
        wireIn.push({ t: Date.now(), msg });
        return h(msg, extra);
      });
    },
  });
  const send = transport.send.bind(transport);
  transport.send = (msg, opts) => {
    wireOut.push({ t: Date.now(), msg });
    return send(msg, opts);
  };
}
let lastCallId = () => {
  for (let i = wireOut.length - 1; i >= 0; i--) if (wireOut[i].msg.method === 'tools/call') return wireOut[i].msg.id;
  return undefined;
};

// ------------------------------------------------------------------ checks
const connected = await check('initialize', async () => {
  await client.connect(transport, REQ);
});
if (!connected) await finish('initialize failed; skipping the remaining checks');

await check('initialize result: protocolVersion 2025-11-25, serverInfo', async () => {
  const init = wireIn.find((w) => w.msg.id !== undefined && w.msg.result?.protocolVersion !== undefined)?.msg.result;
  expect(init, 'no initialize result seen on the wire');
  expectEq(init.protocolVersion, '2025-11-25', 'protocolVersion');
  const info = client.getServerVersion();
  expect(typeof info?.name === 'string' && info.name.length > 0, `serverInfo.name missing: ${js(info)}`);
  expect(typeof info?.version === 'string' && info.version.length > 0, `serverInfo.version missing: ${js(info)}`);
});

await check('initialize result: capabilities', async () => {
  const caps = client.getServerCapabilities() ?? {};
  for (const k of ['tools', 'resources', 'prompts', 'logging', 'completions']) {
    expect(caps[k] && typeof caps[k] === 'object', `capabilities.${k} missing: ${js(caps)}`);
  }
  expectEq(caps.resources.subscribe, true, 'capabilities.resources.subscribe');
});
if (!connected) await finish('initialize failed; skipping the remaining checks');

await check('ping', async () => {
  expectEq(await client.ping(REQ), {}, 'ping result');
});

let toolList = [];
await check('tools/list', async () => {
  const r = await client.listTools(undefined, REQ);
  toolList = r.tools;
  const names = r.tools.map((t) => t.name);
  const missing = FIXTURE_TOOLS.filter((n) => !names.includes(n));
  expect(missing.length === 0, `missing tools: ${missing.join(', ')}`);
  for (const t of r.tools) {
    expect(typeof t.description === 'string' && t.description.length > 0, `tool ${t.name}: missing description`);
    expect(t.inputSchema?.type === 'object', `tool ${t.name}: inputSchema.type must be "object", got ${js(t.inputSchema)}`);
  }
  const byName = Object.fromEntries(r.tools.map((t) => [t.name, t]));
  expectEq(byName.test_sampling.inputSchema.properties?.prompt?.type, 'string', 'test_sampling prompt type');
  expect(byName.test_sampling.inputSchema.required?.includes('prompt'), 'test_sampling: prompt not required');
  expectEq(byName.test_elicitation.inputSchema.properties?.message?.type, 'string', 'test_elicitation message type');
  expectEq(byName.test_slow.inputSchema.properties?.ms?.type, 'integer', 'test_slow ms type');
  expect(byName.test_slow.inputSchema.required?.includes('ms'), 'test_slow: ms not required');
});

await check('tools/list json_schema_2020_12_tool schema preserved', async () => {
  const t = toolList.find((x) => x.name === 'json_schema_2020_12_tool');
  expect(t, 'tool missing');
  expectEq(
    t.inputSchema,
    {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: { address: { type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } } },
      properties: { name: { type: 'string' }, address: { $ref: '#/$defs/address' } },
      additionalProperties: false,
    },
    'inputSchema'
  );
});

const call = (name, args, opts = {}) => client.callTool({ name, arguments: args }, undefined, { ...REQ, ...opts });

await check('tool test_simple_text', async () => {
  expectEq(onlyText(await call('test_simple_text', {}), 'result'), 'This is a simple text response for testing.', 'text');
});

await check('tool test_image_content', async () => {
  const r = await call('test_image_content', {});
  expect(r.isError !== true && r.content?.length === 1, `expected one block, got ${js(r)}`);
  const [c] = r.content;
  expectEq(c.type, 'image', 'type');
  expectEq(c.mimeType, 'image/png', 'mimeType');
  expect(isPng(c.data), 'data is not base64 of a PNG file');
});

await check('tool test_audio_content', async () => {
  const r = await call('test_audio_content', {});
  expect(r.isError !== true && r.content?.length === 1, `expected one block, got ${js(r)}`);
  const [c] = r.content;
  expectEq(c.type, 'audio', 'type');
  expectEq(c.mimeType, 'audio/wav', 'mimeType');
  expect(isWav(c.data), 'data is not base64 of a RIFF/WAVE file');
});

await check('tool test_embedded_resource', async () => {
  const r = await call('test_embedded_resource', {});
  expectEq(
    r.content,
    [{ type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }],
    'content'
  );
});

await check('tool test_multiple_content_types', async () => {
  const r = await call('test_multiple_content_types', {});
  expect(r.content?.length === 3, `expected 3 blocks, got ${js(r.content)}`);
  const [a, b, c] = r.content;
  expectEq(a, { type: 'text', text: 'Multiple content types test:' }, 'block 0');
  expect(b.type === 'image' && b.mimeType === 'image/png' && isPng(b.data), `block 1 not a PNG image: ${js(b)}`);
  expectEq(c.type, 'resource', 'block 2 type');
  expectEq(c.resource?.uri, 'test://mixed-content-resource', 'block 2 uri');
  expectEq(c.resource?.mimeType, 'application/json', 'block 2 mimeType');
  expectEq(JSON.parse(c.resource?.text ?? 'null'), { test: 'data', value: 123 }, 'block 2 JSON');
});

await check('tool test_error_handling', async () => {
  const r = await call('test_error_handling', {});
  expectEq(r.isError, true, 'isError');
  expectEq(texts(r), ['This tool intentionally returns an error for testing'], 'text');
});

await check('tool json_schema_2020_12_tool', async () => {
  const args = { name: 'x', address: { street: '1 Main St', city: 'Paris' } };
  const t = onlyText(await call('json_schema_2020_12_tool', args), 'result');
  const prefix = 'JSON Schema 2020-12 tool called with: ';
  expect(t.startsWith(prefix), `text ${js(t)} does not start with ${js(prefix)}`);
  expectEq(JSON.parse(t.slice(prefix.length)), args, 'echoed arguments');
});

await check('tool test_reconnection (stdio: plain answer)', async () => {
  expectEq(
    onlyText(await call('test_reconnection', {}), 'result'),
    'Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.',
    'text'
  );
});

await check('tool unknown name -> JSON-RPC error -32602', async () => {
  const e = await rpcError(call('no_such_tool', {}), 'tools/call no_such_tool');
  expectEq(e.code, -32602, 'error code');
});

await check('progress notifications', async () => {
  const got = [];
  const r = await call('test_tool_with_progress', {}, { onprogress: (p) => got.push(p) });
  expectEq(onlyText(r, 'result'), 'Progress test completed', 'text');
  const id = lastCallId();
  // Judge by the wire: SDK 1.32.2's client runs notification handlers in a
  // microtask but handles a response synchronously (dropping the request's
  // progress handler), so over stdio a notification read in the same chunk as
  // the response never reaches onprogress. The callback must still fire.
  const wire = wireIn.filter((w) => w.msg.method === 'notifications/progress' && w.msg.params?.progressToken === id);
  expectEq(
    wire.map((w) => [w.msg.params.progress, w.msg.params.total]),
    [[0, 100], [50, 100], [100, 100]],
    `[progress, total] of notifications/progress with progressToken ${id}`
  );
  const resp = wireIn.findIndex((w) => w.msg.id === id && 'result' in w.msg);
  expect(wire.every((w) => wireIn.indexOf(w) < resp), 'progress notification sent after the response');
  expect(got.length >= 1 && got[0].progress === 0, `onprogress callback not invoked: ${js(got)}`);
});

await check('tool test_slow completes', async () => {
  const t0 = Date.now();
  expectEq(onlyText(await call('test_slow', { ms: 100 }), 'result'), 'done', 'text');
  expect(Date.now() - t0 >= 90, `answered after ${Date.now() - t0} ms, expected >= 100 ms`);
});

await check('cancellation via AbortSignal', async () => {
  const ac = new AbortController();
  const t0 = Date.now();
  const p = call('test_slow', { ms: 5000 }, { signal: ac.signal });
  await sleep(200);
  const id = lastCallId();
  ac.abort('tripmcp sdk-client cancel test');
  let rejected = false;
  try {
    await p;
  } catch {
    rejected = true;
  }
  expect(rejected, 'cancelled call did not reject');
  const sent = wireOut.find((w) => w.msg.method === 'notifications/cancelled' && w.msg.params?.requestId === id);
  expect(sent, `client did not send notifications/cancelled for request ${id}`);
  // The server SHOULD stop and not answer the cancelled request; it must stay usable.
  expectEq(await client.ping(REQ), {}, 'ping after cancel');
  await sleep(300);
  const late = wireIn.find((w) => w.msg.id === id && ('result' in w.msg || 'error' in w.msg));
  expect(!late, `server answered cancelled request ${id} after ${late ? late.t - t0 : 0} ms: ${js(late?.msg)}`);
  expect(Date.now() - t0 < 3000, 'cancellation took too long');
});

await check('input validation error is a tool error (test_slow ms:"x")', async () => {
  let r;
  try {
    r = await call('test_slow', { ms: 'x' });
  } catch (err) {
    fail(`expected an isError result, got JSON-RPC error ${err?.code}: ${err?.message}`);
  }
  expectEq(r.isError, true, 'isError');
  const t = texts(r).join(' ');
  expect(/\bms\b/.test(t), `error text does not name 'ms': ${js(t)}`);
});

await check('sampling (test_sampling)', async () => {
  seen.sampling.length = 0;
  const r = await call('test_sampling', { prompt: 'Test prompt for sampling' });
  expect(seen.sampling.length === 1, `expected 1 sampling/createMessage request, got ${seen.sampling.length}`);
  const p = seen.sampling[0].params;
  expectEq(p.messages, [{ role: 'user', content: { type: 'text', text: 'Test prompt for sampling' } }], 'sampling messages');
  expectEq(p.maxTokens, 100, 'maxTokens');
  expectEq(onlyText(r, 'result'), 'LLM response: sampled: Test prompt for sampling', 'text');
});

await check('elicitation accept (test_elicitation)', async () => {
  seen.elicitation.length = 0;
  elicitReply = () => ({ action: 'accept', content: { username: 'testuser', email: 'test@example.com' } });
  const r = await call('test_elicitation', { message: 'Please provide your information' });
  expect(seen.elicitation.length === 1, `expected 1 elicitation/create request, got ${seen.elicitation.length}`);
  const p = seen.elicitation[0].params;
  expectEq(p.message, 'Please provide your information', 'message');
  expectEq(p.requestedSchema?.type, 'object', 'requestedSchema.type');
  expectEq(p.requestedSchema?.properties?.username?.type, 'string', 'username type');
  expectEq(p.requestedSchema?.properties?.email?.type, 'string', 'email type');
  expectEq([...(p.requestedSchema?.required ?? [])].sort(), ['email', 'username'], 'required');
  const e = parseElicitText(onlyText(r, 'result'), 'User response');
  expectEq(e, { action: 'accept', content: { username: 'testuser', email: 'test@example.com' } }, 'parsed result');
});

await check('elicitation decline (test_elicitation)', async () => {
  elicitReply = () => ({ action: 'decline' });
  const r = await call('test_elicitation', { message: 'Decline me' });
  expectEq(parseElicitText(onlyText(r, 'result'), 'User response'), { action: 'decline', content: {} }, 'parsed result');
});

await check('elicitation SEP-1034 defaults', async () => {
  seen.elicitation.length = 0;
  const reply = { name: 'Jane Smith', age: 25, score: 88.5, status: 'inactive', verified: false };
  elicitReply = () => ({ action: 'accept', content: reply });
  const r = await call('test_elicitation_sep1034_defaults', {});
  expect(seen.elicitation.length === 1, `expected 1 elicitation/create request, got ${seen.elicitation.length}`);
  const props = seen.elicitation[0].params.requestedSchema?.properties ?? {};
  const pick = (o) => ({ type: o?.type, default: o?.default, ...(o?.enum ? { enum: o.enum } : {}) });
  expectEq(pick(props.name), { type: 'string', default: 'John Doe' }, 'name');
  expectEq(pick(props.age), { type: 'integer', default: 30 }, 'age');
  expectEq(pick(props.score), { type: 'number', default: 95.5 }, 'score');
  expectEq(pick(props.status), { type: 'string', default: 'active', enum: ['active', 'inactive', 'pending'] }, 'status');
  expectEq(pick(props.verified), { type: 'boolean', default: true }, 'verified');
  expectEq(parseElicitText(onlyText(r, 'result'), 'Elicitation completed'), { action: 'accept', content: reply }, 'parsed result');
});

await check('elicitation SEP-1330 enums', async () => {
  seen.elicitation.length = 0;
  const reply = {
    untitledSingle: 'option1',
    titledSingle: 'value1',
    legacyEnum: 'opt1',
    untitledMulti: ['option1', 'option2'],
    titledMulti: ['value1', 'value2'],
  };
  elicitReply = () => ({ action: 'accept', content: reply });
  const r = await call('test_elicitation_sep1330_enums', {});
  expect(seen.elicitation.length === 1, `expected 1 elicitation/create request, got ${seen.elicitation.length}`);
  const p = seen.elicitation[0].params.requestedSchema?.properties ?? {};
  expectEq(p.untitledSingle?.type, 'string', 'untitledSingle.type');
  expectEq(p.untitledSingle?.enum, ['option1', 'option2', 'option3'], 'untitledSingle.enum');
  expect(!p.untitledSingle?.oneOf && !p.untitledSingle?.enumNames, 'untitledSingle must not have oneOf/enumNames');
  expectEq(p.titledSingle?.type, 'string', 'titledSingle.type');
  expectEq(
    p.titledSingle?.oneOf,
    [
      { const: 'value1', title: 'First Option' },
      { const: 'value2', title: 'Second Option' },
      { const: 'value3', title: 'Third Option' },
    ],
    'titledSingle.oneOf'
  );
  expect(!p.titledSingle?.enum, 'titledSingle must not have enum');
  expectEq(p.legacyEnum?.enum, ['opt1', 'opt2', 'opt3'], 'legacyEnum.enum');
  expectEq(p.legacyEnum?.enumNames, ['Option One', 'Option Two', 'Option Three'], 'legacyEnum.enumNames');
  expectEq(p.untitledMulti?.type, 'array', 'untitledMulti.type');
  expectEq(p.untitledMulti?.items, { type: 'string', enum: ['option1', 'option2', 'option3'] }, 'untitledMulti.items');
  expectEq(p.titledMulti?.type, 'array', 'titledMulti.type');
  expectEq(
    p.titledMulti?.items,
    {
      anyOf: [
        { const: 'value1', title: 'First Choice' },
        { const: 'value2', title: 'Second Choice' },
        { const: 'value3', title: 'Third Choice' },
      ],
    },
    'titledMulti.items'
  );
  expectEq(parseElicitText(onlyText(r, 'result'), 'Elicitation completed'), { action: 'accept', content: reply }, 'parsed result');
});

await check('resources/list', async () => {
  const r = await client.listResources(undefined, REQ);
  const byUri = Object.fromEntries(r.resources.map((x) => [x.uri, x]));
  const want = {
    'test://static-text': ['static-text', 'text/plain'],
    'test://static-binary': ['static-binary', 'image/png'],
    [WATCHED]: ['watched-resource', 'text/plain'],
  };
  for (const [uri, [name, mime]] of Object.entries(want)) {
    expect(byUri[uri], `resource ${uri} missing from ${js(Object.keys(byUri))}`);
    expectEq(byUri[uri].name, name, `${uri} name`);
    expectEq(byUri[uri].mimeType, mime, `${uri} mimeType`);
    expect(typeof byUri[uri].description === 'string' && byUri[uri].description, `${uri}: missing description`);
  }
});

await check('resources/read text', async () => {
  const r = await client.readResource({ uri: 'test://static-text' }, REQ);
  expectEq(r.contents, [{ uri: 'test://static-text', mimeType: 'text/plain', text: 'This is the content of the static text resource.' }], 'contents');
});

await check('resources/read binary', async () => {
  const r = await client.readResource({ uri: 'test://static-binary' }, REQ);
  expect(r.contents?.length === 1, `expected one entry, got ${js(r.contents)}`);
  const [c] = r.contents;
  expectEq(c.uri, 'test://static-binary', 'uri');
  expectEq(c.mimeType, 'image/png', 'mimeType');
  expect(c.text === undefined && isPng(c.blob), 'blob is not base64 of a PNG file (or text present)');
});

await check('resources/read unknown uri -> error', async () => {
  const e = await rpcError(client.readResource({ uri: 'test://no-such-resource' }, REQ), 'resources/read');
  expect([-32002, -32602].includes(e.code), `expected code -32002 (or -32602), got ${e.code}`);
});

await check('resources/templates/list', async () => {
  const r = await client.listResourceTemplates(undefined, REQ);
  const t = r.resourceTemplates.find((x) => x.uriTemplate === 'test://template/{id}/data');
  expect(t, `template test://template/{id}/data missing: ${js(r.resourceTemplates)}`);
  expectEq(t.name, 'template', 'name');
  expectEq(t.mimeType, 'application/json', 'mimeType');
});

await check('resources/read via template', async () => {
  const r = await client.readResource({ uri: 'test://template/123/data' }, REQ);
  expect(r.contents?.length === 1, `expected one entry, got ${js(r.contents)}`);
  const [c] = r.contents;
  expectEq(c.uri, 'test://template/123/data', 'uri');
  expectEq(c.mimeType, 'application/json', 'mimeType');
  expectEq(JSON.parse(c.text), { id: '123', templateTest: true, data: 'Data for ID: 123' }, 'JSON text');
});

async function waitFor(pred, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await sleep(20);
  }
  return pred();
}

await check('resources/subscribe + notifications/resources/updated', async () => {
  updates.length = 0;
  expectEq(await client.subscribeResource({ uri: WATCHED }, REQ), {}, 'subscribe result');
  const r = await call('test_trigger_resource_update', {});
  expect(r.isError !== true, `trigger tool failed: ${js(r)}`);
  const ok = await waitFor(() => updates.some((u) => u.uri === WATCHED), 1000);
  expect(ok, `no notifications/resources/updated for ${WATCHED} (got ${js(updates)})`);
});

await check('resources/unsubscribe stops notifications', async () => {
  expectEq(await client.unsubscribeResource({ uri: WATCHED }, REQ), {}, 'unsubscribe result');
  updates.length = 0;
  const r = await call('test_trigger_resource_update', {});
  expect(r.isError !== true, `trigger tool failed: ${js(r)}`);
  await sleep(300);
  expect(updates.length === 0, `got notifications after unsubscribe: ${js(updates)}`);
});

await check('prompts/list', async () => {
  const r = await client.listPrompts(undefined, REQ);
  const byName = Object.fromEntries(r.prompts.map((p) => [p.name, p]));
  for (const n of ['test_simple_prompt', 'test_prompt_with_arguments', 'test_prompt_with_embedded_resource', 'test_prompt_with_image']) {
    expect(byName[n], `prompt ${n} missing`);
  }
  for (const p of r.prompts) expect(typeof p.description === 'string' && p.description, `prompt ${p.name}: missing description`);
  const args = (n) => (byName[n].arguments ?? []).map((a) => [a.name, a.required === true]);
  expectEq(args('test_prompt_with_arguments'), [['arg1', true], ['arg2', true]], 'test_prompt_with_arguments arguments');
  expectEq(args('test_prompt_with_embedded_resource'), [['resourceUri', true]], 'test_prompt_with_embedded_resource arguments');
  expectEq(args('test_simple_prompt'), [], 'test_simple_prompt arguments');
});

await check('prompts/get test_simple_prompt', async () => {
  const r = await client.getPrompt({ name: 'test_simple_prompt' }, REQ);
  expectEq(r.messages, [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }], 'messages');
});

await check('prompts/get test_prompt_with_arguments', async () => {
  const r = await client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'hello', arg2: 'world' } }, REQ);
  expectEq(r.messages, [{ role: 'user', content: { type: 'text', text: "Prompt with arguments: arg1='hello', arg2='world'" } }], 'messages');
});

await check('prompts/get missing required argument -> -32602', async () => {
  const e = await rpcError(client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'only' } }, REQ), 'prompts/get');
  expectEq(e.code, -32602, 'error code');
});

await check('prompts/get test_prompt_with_embedded_resource', async () => {
  const r = await client.getPrompt({ name: 'test_prompt_with_embedded_resource', arguments: { resourceUri: 'test://example-resource' } }, REQ);
  expectEq(
    r.messages,
    [
      { role: 'user', content: { type: 'resource', resource: { uri: 'test://example-resource', mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
      { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
    ],
    'messages'
  );
});

await check('prompts/get test_prompt_with_image', async () => {
  const r = await client.getPrompt({ name: 'test_prompt_with_image' }, REQ);
  expect(r.messages?.length === 2, `expected 2 messages, got ${js(r.messages)}`);
  const [a, b] = r.messages;
  expect(a.role === 'user' && a.content?.type === 'image' && a.content.mimeType === 'image/png' && isPng(a.content.data), `message 0 not a PNG image: ${js(a)}`);
  expectEq(b, { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } }, 'message 1');
});

await check('completion/complete test_prompt_with_arguments arg1', async () => {
  const ref = { type: 'ref/prompt', name: 'test_prompt_with_arguments' };
  const c1 = await client.complete({ ref, argument: { name: 'arg1', value: 'pa' } }, REQ);
  expectEq(c1.completion.values, ['paris', 'park', 'party'], "values for 'pa'");
  expectEq(c1.completion.total, 3, "total for 'pa'");
  expectEq(c1.completion.hasMore, false, "hasMore for 'pa'");
  const c2 = await client.complete({ ref, argument: { name: 'arg1', value: 'part' } }, REQ);
  expectEq(c2.completion.values, ['party'], "values for 'part'");
  const c3 = await client.complete({ ref, argument: { name: 'arg1', value: 'zzz' } }, REQ);
  expectEq(c3.completion.values, [], "values for 'zzz'");
});

await check('logging/setLevel info + tool logs', async () => {
  expectEq(await client.setLoggingLevel('info', REQ), {}, 'setLevel result');
  logs.length = 0;
  const r = await call('test_tool_with_logging', {});
  expectEq(onlyText(r, 'result'), 'Tool with logging executed successfully', 'text');
  await sleep(100);
  expectEq(
    logs.map((l) => [l.level, l.data]),
    [
      ['info', 'Tool execution started'],
      ['info', 'Tool processing data'],
      ['info', 'Tool execution completed'],
    ],
    'log messages'
  );
});

await check('logging/setLevel error filters info', async () => {
  expectEq(await client.setLoggingLevel('error', REQ), {}, 'setLevel result');
  logs.length = 0;
  await call('test_tool_with_logging', {});
  await sleep(150);
  expect(logs.length === 0, `expected no messages below 'error', got ${js(logs)}`);
  await client.setLoggingLevel('debug', REQ);
});

await check('server exits on stdin EOF', async () => {
  const proc = transport._process; // SDK 1.32.2 internal: the spawned child
  const t0 = Date.now();
  await client.close();
  if (proc) {
    await waitFor(() => proc.exitCode !== null || proc.signalCode !== null, 500);
    expect(proc.signalCode === null, `server did not exit on EOF; it was killed with ${proc.signalCode} after ${Date.now() - t0} ms`);
    expect(proc.exitCode === 0, `server exit status ${proc.exitCode}`);
  }
});

h.stopTimer();
await finish();
