#!/usr/bin/env node
// Drive tripmcp-travel with the official TypeScript SDK client (pinned in
// package.json): tools/list, the guide's searchFlights call, a booking and
// its retry, bad input, the resources and a subscription, the plan-vacation
// prompt and completion. Expected routes come from data/routes.csv, never
// from this file. The SDK checks every structuredContent against the
// tool's outputSchema itself.
//
//   node tests/interop/travel-client.mjs SERVER [DATA_DIR]
//
// Prints `PASS travel-sdk: <check>` or `FAIL travel-sdk: <check>: <why>`,
// then `N passed, N failed`; exit 1 on any failure. Hard timeout 60 s.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckError, expect, harness } from './lib.mjs';

const [server, dataDir = 'data'] = process.argv.slice(2);
if (!server) {
  console.error('usage: node travel-client.mjs SERVER [DATA_DIR]');
  process.exit(2);
}

const h = harness('travel-sdk');
const { check, finish } = h;
const dir = h.tempDir('tripmcp-travel-sdk-');

// ------------------------------------------------------------------ the data
// routes.csv has no quoted fields: airline_code,airline_id,src,dst,codeshare,stops,...
const routes = new Set(
  readFileSync(join(dataDir, 'routes.csv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .filter((f) => f.length >= 6 && f[4] === '' && f[5] === '0')
    .map((f) => `${f[0]}:${f[2]}:${f[3]}`)
);

// ------------------------------------------------------------------ the session
const client = new Client({ name: 'tripmcp-travel-sdk', version: '1.0.0' }, { capabilities: {} });
const transport = await h.stdioTransport({
  command: server,
  args: ['--db', join(dir, 'travel.db')],
  env: { TRIPMCP_TODAY: '2024-05-01' },
});
const updates = [];
client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
  updates.push(n.params.uri);
});

try {
  await client.connect(transport);
} catch (err) {
  await finish(`connect: ${err?.message}`);
}
const REQ = { timeout: 10000 };
const GUIDE = {
  origin: 'NYC',
  destination: 'Barcelona',
  departure: '2024-06-15',
  return: '2024-06-22',
  travelers: 2,
  maxPrice: 1500,
  preferredAirlines: ['Delta'],
};

await check('initialize', async () => {
  expect(client.getServerVersion()?.name === 'tripmcp-travel', `server name ${client.getServerVersion()?.name}`);
  const caps = client.getServerCapabilities();
  expect(caps?.tools && caps?.resources?.subscribe && caps?.prompts && caps?.completions,
    'capabilities lack tools, resource subscriptions, prompts or completions');
});

await check('tools/list', async () => {
  const { tools } = await client.listTools({}, REQ);
  const names = tools.map((t) => t.name).sort();
  const want = ['bookFlight', 'bookHotel', 'cancelBooking', 'createItinerary', 'getBooking', 'getItinerary',
    'listBookings', 'searchFlights', 'searchHotels', 'updatePreferences'];
  expect(JSON.stringify(names) === JSON.stringify(want), `tools ${names}`);
  for (const t of tools) {
    expect(t.inputSchema?.type === 'object', `${t.name}: inputSchema`);
    expect(t.outputSchema?.type === 'object', `${t.name}: outputSchema`);
  }
  const by = Object.fromEntries(tools.map((t) => [t.name, t]));
  for (const n of ['searchFlights', 'searchHotels', 'getBooking', 'listBookings', 'getItinerary'])
    expect(by[n].annotations?.readOnlyHint === true, `${n}: readOnlyHint`);
  for (const n of ['bookFlight', 'bookHotel', 'cancelBooking'])
    expect(by[n].annotations?.destructiveHint === true, `${n}: destructiveHint`);
});

let offer;
await check('searchFlights with the guide arguments', async () => {
  const r = await client.callTool({ name: 'searchFlights', arguments: GUIDE }, undefined, REQ);
  expect(!r.isError, `isError: ${r.content?.[0]?.text}`);
  const sc = r.structuredContent;
  expect(sc.offers.length > 0, 'no offers');
  offer = sc.offers[0];
  expect(offer.airline === 'Delta Air Lines' && offer.airlineCode === 'DL', `first offer by ${offer.airline}`);
  expect(offer.totalPrice <= 1500 && offer.totalPrice === offer.pricePerTraveler * 2, `total ${offer.totalPrice}`);
  for (const o of sc.offers) {
    expect(o.totalPrice <= 1500, `${o.offerId} costs ${o.totalPrice}`);
    for (const trip of [o.outbound, o.return]) {
      for (const s of trip.segments) {
        expect(routes.has(`${o.airlineCode}:${s.from}:${s.to}`), `${o.airlineCode} ${s.from}-${s.to} is not in routes.csv`);
        expect(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00[+-]\d\d:\d\d$/.test(s.departure), `departure ${s.departure}`);
        expect(s.departureTimeZone && s.arrivalTimeZone, 'time zones');
      }
    }
  }
  expect(offer.outbound.segments[0].departure.startsWith('2024-06-15T'), 'departure date');
  expect(offer.outbound.segments[0].departure.endsWith('-04:00'), 'New York is on EDT in June');
  expect(/simulated/.test(sc.simulated) && /simulated/.test(r.content[0].text), 'not said to be simulated');
});

await check('bookFlight, its retry and getBooking', async () => {
  const args = { offerId: offer.offerId, travelers: 2, seatPreference: 'window', idempotencyKey: 'sdk-guide-1' };
  const a = await client.callTool({ name: 'bookFlight', arguments: args }, undefined, REQ);
  expect(!a.isError, `isError: ${a.content?.[0]?.text}`);
  const code = a.structuredContent.confirmation;
  expect(/^[A-Z0-9]{6}$/.test(code), `confirmation ${code}`);
  const b = await client.callTool({ name: 'bookFlight', arguments: args }, undefined, REQ);
  expect(!b.isError && b.structuredContent.confirmation === code && b.structuredContent.replayed === true, 'retry booked again');
  const l = await client.callTool({ name: 'listBookings', arguments: {} }, undefined, REQ);
  expect(l.structuredContent.count === 1, `${l.structuredContent.count} bookings`);
  const g = await client.callTool({ name: 'getBooking', arguments: { confirmation: code.toLowerCase() } }, undefined, REQ);
  expect(!g.isError && g.structuredContent.status === 'confirmed', 'getBooking');
  const res = await client.readResource({ uri: `travel://bookings/${code}` }, REQ);
  expect(JSON.parse(res.contents[0].text).confirmation === code, 'booking resource');
});

await check('bad input is isError naming the field', async () => {
  const cases = [
    ['searchFlights', { ...GUIDE, departure: '2024-04-01' }, 'departure'],
    ['searchFlights', { ...GUIDE, return: '2024-06-01' }, 'return'],
    ['searchFlights', { ...GUIDE, travelers: 0 }, 'travelers'],
    ['searchFlights', { ...GUIDE, travelers: 50 }, 'travelers'],
    ['searchFlights', { ...GUIDE, destination: 'Atlantis' }, 'destination'],
    ['searchFlights', { ...GUIDE, origin: "'; DROP TABLE routes; --" }, 'origin'],
    ['bookFlight', { offerId: 'nonsense', travelers: 1, idempotencyKey: 'x1' }, 'offerId'],
    ['bookFlight', { offerId: offer.offerId, travelers: 2 }, 'idempotencyKey'],
    ['cancelBooking', { confirmation: 'ZZZZZZ' }, 'confirmation'],
    ['createItinerary', { title: 'T', destination: 'Barcelona', startDate: '2024-06-15', endDate: '2024-06-01', bookings: [], activities: [] }, 'endDate'],
  ];
  for (const [tool, args, field] of cases) {
    const r = await client.callTool({ name: tool, arguments: args }, undefined, REQ);
    expect(r.isError === true, `${tool} ${JSON.stringify(args)}: not isError`);
    expect(r.content?.[0]?.text?.includes(field), `${tool}: '${r.content?.[0]?.text}' does not name ${field}`);
  }
});

await check('resources: the guide profile, templates, about', async () => {
  const { resources } = await client.listResources({}, REQ);
  const uris = resources.map((r) => r.uri);
  for (const u of ['travel://preferences/europe', 'travel://past-trips/Spain-2023', 'travel://about'])
    expect(uris.includes(u), `${u} not listed`);
  const prefs = JSON.parse((await client.readResource({ uri: 'travel://preferences/europe' }, REQ)).contents[0].text);
  expect(prefs.preferredAirlines.includes('Delta') && prefs.preferredHotelChains.includes('Marriott') &&
    prefs.seatPreference === 'window', `preferences ${JSON.stringify(prefs)}`);
  const trip = (await client.readResource({ uri: 'travel://past-trips/Spain-2023' }, REQ)).contents[0].text;
  expect(trip.includes('Gothic Quarter') && trip.includes('Sagrada'), 'past trip');
  const { resourceTemplates } = await client.listResourceTemplates({}, REQ);
  expect(resourceTemplates.length === 4, `${resourceTemplates.length} templates`);
  const about = (await client.readResource({ uri: 'travel://about' }, REQ)).contents[0].text;
  expect(about.includes('OpenFlights') && about.includes('GeoNames'), 'about lacks attributions');
  try {
    await client.readResource({ uri: 'travel://itineraries/nowhere' }, REQ);
    expect(false, 'no error for an unknown itinerary');
  } catch (err) {
    if (err instanceof CheckError) throw err;
    expect(err instanceof McpError && err.code === -32002, `got ${err?.code}: ${err?.message}`);
  }
});

await check('subscription: updatePreferences notifies', async () => {
  await client.subscribeResource({ uri: 'travel://preferences/europe' }, REQ);
  const r = await client.callTool({ name: 'updatePreferences', arguments: { region: 'europe', seatPreference: 'aisle' } },
    undefined, REQ);
  expect(!r.isError, `isError: ${r.content?.[0]?.text}`);
  for (let i = 0; i < 50 && !updates.includes('travel://preferences/europe'); i++)
    await new Promise((res) => setTimeout(res, 20));
  expect(updates.includes('travel://preferences/europe'), `updates ${updates}`);
});

await check('createItinerary barcelona-2024', async () => {
  const r = await client.callTool({ name: 'createItinerary', arguments: {
    title: 'Barcelona Vacation', destination: 'Barcelona', startDate: '2024-06-15', endDate: '2024-06-22',
    bookings: [], activities: ['Gothic Quarter', { title: 'Sagrada Família', date: '2024-06-17' }] } }, undefined, REQ);
  expect(!r.isError, `isError: ${r.content?.[0]?.text}`);
  expect(r.structuredContent.id === 'barcelona-2024', `id ${r.structuredContent.id}`);
  const res = await client.readResource({ uri: 'travel://itineraries/barcelona-2024' }, REQ);
  expect(JSON.parse(res.contents[0].text).nights === 7, 'nights');
});

await check('prompt plan-vacation', async () => {
  const { prompts } = await client.listPrompts({}, REQ);
  expect(prompts.some((p) => p.name === 'plan-vacation'), 'not listed');
  const p = await client.getPrompt({ name: 'plan-vacation', arguments: {
    destination: 'Barcelona', departure_date: '2024-06-15', return_date: '2024-06-22', budget: '3000', travelers: '2' } }, REQ);
  const text = p.messages[0].content.text;
  expect(text.includes('Barcelona, Spain') && text.includes('$3,000') && text.includes('travel://preferences/europe'),
    `text ${text.slice(0, 200)}`);
  try {
    await client.getPrompt({ name: 'plan-vacation', arguments: {
      destination: 'Barcelona', departure_date: '2024-06-15', return_date: '2024-06-22', budget: '3000', travelers: '0' } }, REQ);
    expect(false, 'no error for 0 travellers');
  } catch (err) {
    if (err instanceof CheckError) throw err;
    expect(String(err?.message).includes('travelers'), `error ${err?.message}`);
  }
});

await check('completion', async () => {
  const a = await client.complete(
    { ref: { type: 'ref/prompt', name: 'plan-vacation' }, argument: { name: 'destination', value: 'barc' } }, REQ);
  expect(a.completion.values[0] === 'Barcelona, Spain', `values ${a.completion.values}`);
  const b = await client.complete(
    { ref: { type: 'ref/prompt', name: 'plan-vacation' }, argument: { name: 'origin', value: 'sao p' } }, REQ);
  expect(b.completion.values.includes('São Paulo, Brazil'), `values ${b.completion.values}`);
  const c = await client.complete(
    { ref: { type: 'ref/resource', uri: 'travel://past-trips/{trip_id}' }, argument: { name: 'trip_id', value: 'Sp' } }, REQ);
  expect(c.completion.values[0] === 'Spain-2023', `values ${c.completion.values}`);
});

h.stopTimer();
await h.checkNoSanitizerReport(client);
await finish();
