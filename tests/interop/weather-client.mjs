#!/usr/bin/env node
// Drive tripmcp-weather with the official TypeScript SDK client (pinned in
// package.json): tools/list, the guide's checkWeather call, the other tools,
// bad input, the resources, the prompt and completion. Expected values come
// from data/*.csv, never from this file. The SDK checks every
// structuredContent against the tool's outputSchema itself.
//
//   node tests/interop/weather-client.mjs SERVER [DATA_DIR]
//
// Prints `PASS weather-sdk: <check>` or `FAIL weather-sdk: <check>: <why>`,
// then `N passed, N failed`; exit 1 on any failure. Hard timeout 60 s.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckError, expect, harness } from './lib.mjs';

const [server, dataDir = 'data'] = process.argv.slice(2);
if (!server) {
  console.error('usage: node weather-client.mjs SERVER [DATA_DIR]');
  process.exit(2);
}

const h = harness('weather-sdk');
const { check, finish } = h;
const dir = h.tempDir('tripmcp-weather-sdk-');
const near = (a, b, tol, what) => expect(Math.abs(a - b) <= tol, `${what}: ${a} is not within ${tol} of ${b}`);

// ------------------------------------------------------------------ the data
// RFC 4180 rows (quoted fields with commas and doubled quotes).
function readCsv(file) {
  const text = readFileSync(join(dataDir, file), 'utf8');
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  const head = rows.shift();
  return rows.map((r) => Object.fromEntries(head.map((h, k) => [h, r[k] ?? ''])));
}
const cities = readCsv('cities.csv');
const monthly = readCsv('climate_monthly.csv');
const barcelona = cities
  .filter((c) => c.name === 'Barcelona' && c.country_code === 'ES')
  .sort((a, b) => Number(b.population) - Number(a.population))[0];
const normals = monthly
  .filter((m) => m.station_id === barcelona?.climate_station_id)
  .sort((a, b) => Number(a.month) - Number(b.month));

// ------------------------------------------------------------------ the session
const client = new Client({ name: 'tripmcp-weather-sdk', version: '1.0.0' }, { capabilities: {} });
const transport = await h.stdioTransport({
  command: server,
  args: ['--db', join(dir, 'weather.db')],
  env: { TRIPMCP_TODAY: '2024-05-01' },
});

try {
  await client.connect(transport);
} catch (err) {
  await finish(`connect: ${err?.message}`);
}
const REQ = { timeout: 10000 };

await check('initialize', async () => {
  expect(client.getServerVersion()?.name === 'tripmcp-weather', `server name ${client.getServerVersion()?.name}`);
  const caps = client.getServerCapabilities();
  expect(caps?.tools && caps?.resources && caps?.prompts && caps?.completions, 'capabilities lack tools, resources, prompts or completions');
});

await check('tools/list', async () => {
  const { tools } = await client.listTools({}, REQ);
  const names = tools.map((t) => t.name).sort();
  expect(JSON.stringify(names) === JSON.stringify(['checkWeather', 'getClimateData', 'getSeasonalInfo']), `tools ${names}`);
  for (const t of tools) {
    expect(t.inputSchema?.type === 'object', `${t.name}: inputSchema`);
    expect(t.outputSchema?.type === 'object', `${t.name}: outputSchema`);
    expect(t.annotations?.readOnlyHint === true, `${t.name}: readOnlyHint`);
  }
});

await check('checkWeather with the guide arguments', async () => {
  expect(barcelona && normals.length === 12, 'Barcelona, ES or its normals missing from data/');
  const r = await client.callTool(
    { name: 'checkWeather', arguments: { location: 'Barcelona', startDate: '2024-06-15', endDate: '2024-06-22' } },
    undefined,
    REQ
  );
  expect(!r.isError, `isError: ${r.content?.[0]?.text}`);
  const sc = r.structuredContent;
  expect(sc?.station?.id === barcelona.climate_station_id, `station ${sc?.station?.id}, want ${barcelona.climate_station_id}`);
  expect(sc.days.length === 8, `${sc.days.length} days`);
  expect(sc.days[0].date === '2024-06-15' && sc.days[7].date === '2024-06-22', 'dates');
  const june = normals[5];
  for (const d of sc.days) {
    expect(d.basis === 'climatological outlook', `basis ${d.basis}`);
    near(d.highC, Number(june.tmax_c), 1.0, `${d.date} highC`);
    near(d.lowC, Number(june.tmin_c), 1.0, `${d.date} lowC`);
    near(d.highF, d.highC * 1.8 + 32, 0.15, `${d.date} highF`);
    near(d.rainChance, (100 * Number(june.precip_days)) / 30, 3, `${d.date} rainChance`);
    expect(/°C/.test(d.summary) && /°F/.test(d.summary), `summary ${d.summary}`);
  }
  expect(r.content?.[0]?.type === 'text' && r.content[0].text.includes('Barcelona'), 'text summary');
});

await check('checkWeather bad input is isError naming the field', async () => {
  const cases = [
    [{ location: 'Barcelona', startDate: '2024-04-01', endDate: '2024-04-02' }, 'startDate'],
    [{ location: 'Barcelona', startDate: '2024-06-22', endDate: '2024-06-15' }, 'endDate'],
    [{ location: 'Atlantis', startDate: '2024-06-15', endDate: '2024-06-22' }, 'location'],
    [{ location: 'Barcelona', startDate: '2024-06-15' }, 'endDate'],
  ];
  for (const [args, field] of cases) {
    const r = await client.callTool({ name: 'checkWeather', arguments: args }, undefined, REQ);
    expect(r.isError === true, `${JSON.stringify(args)}: not isError`);
    expect(r.content?.[0]?.text?.includes(field), `${JSON.stringify(args)}: '${r.content?.[0]?.text}' does not name ${field}`);
  }
});

await check('getClimateData and getSeasonalInfo', async () => {
  const c = await client.callTool({ name: 'getClimateData', arguments: { location: 'barcelona', month: 7 } }, undefined, REQ);
  expect(!c.isError, `getClimateData isError: ${c.content?.[0]?.text}`);
  near(c.structuredContent.months[0].highC, Number(normals[6].tmax_c), 0.01, 'July highC');
  const s = await client.callTool({ name: 'getSeasonalInfo', arguments: { location: 'Barcelona' } }, undefined, REQ);
  expect(!s.isError, `getSeasonalInfo isError: ${s.content?.[0]?.text}`);
  expect(s.structuredContent.months.length === 12 && s.structuredContent.bestMonths.length >= 1, 'months');
});

await check('resources: about and the climate template', async () => {
  const { resources } = await client.listResources({}, REQ);
  expect(resources.some((r) => r.uri === 'weather://about'), 'weather://about not listed');
  const about = await client.readResource({ uri: 'weather://about' }, REQ);
  expect(about.contents[0].text.includes('Deutscher Wetterdienst'), 'about lacks the DWD attribution');
  const { resourceTemplates } = await client.listResourceTemplates({}, REQ);
  expect(resourceTemplates.some((t) => t.uriTemplate === 'weather://climate/{city}'), 'template not listed');
  const r = await client.readResource({ uri: 'weather://climate/Barcelona' }, REQ);
  const json = JSON.parse(r.contents[0].text);
  expect(json.months.length === 12, 'months');
  near(json.months[5].highC, Number(normals[5].tmax_c), 0.01, 'June highC');
});

await check('resources: unknown city is an error', async () => {
  try {
    await client.readResource({ uri: 'weather://climate/Nowhereville' }, REQ);
    expect(false, 'no error');
  } catch (err) {
    if (err instanceof CheckError) throw err;
    expect(err instanceof McpError && err.code === -32002, `got ${err?.code}: ${err?.message}`);
  }
});

await check('prompt best-time-to-visit', async () => {
  const { prompts } = await client.listPrompts({}, REQ);
  expect(prompts.some((p) => p.name === 'best-time-to-visit'), 'not listed');
  const p = await client.getPrompt({ name: 'best-time-to-visit', arguments: { destination: 'Barcelona' } }, REQ);
  expect(p.messages.length === 2, `${p.messages.length} messages`);
  expect(p.messages[0].content.type === 'resource', 'first message is not the embedded resource');
  expect(p.messages[1].content.text.includes('Barcelona, Spain'), 'text lacks the destination');
});

await check('completion', async () => {
  const a = await client.complete(
    { ref: { type: 'ref/prompt', name: 'best-time-to-visit' }, argument: { name: 'destination', value: 'barc' } },
    REQ
  );
  expect(a.completion.values[0] === 'Barcelona, Spain', `values ${a.completion.values}`);
  const b = await client.complete(
    { ref: { type: 'ref/resource', uri: 'weather://climate/{city}' }, argument: { name: 'city', value: 'zur' } },
    REQ
  );
  expect(b.completion.values.includes('Zürich, Switzerland'), `values ${b.completion.values}`);
});

h.stopTimer();
await h.checkNoSanitizerReport(client);
await finish();
