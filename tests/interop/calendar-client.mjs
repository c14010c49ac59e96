#!/usr/bin/env node
// Drive tripmcp-calendar with the official TypeScript SDK client (pinned in
// package.json): tools and their annotations, calendar://my-calendar/June-2024
// and the other period forms, completion, the guide's checkAvailability,
// createCalendarEvent and sendEmail calls (TRIPMCP_TODAY=2024-05-01), an
// update notification, the message file in the outbox, bad input, and a
// travel:// attachment with no tripmcp-travel beside the program. The SDK
// checks every structuredContent against the tool's outputSchema itself.
//
//   node tests/interop/calendar-client.mjs SERVER [DATA_DIR]
//
// Prints `PASS calendar-sdk: <check>` or `FAIL calendar-sdk: <check>: <why>`,
// then `N passed, N failed`; exit 1 on any failure. Hard timeout 60 s.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, harness, readJson as readResourceJson } from './lib.mjs';

const [server, dataDir = 'data'] = process.argv.slice(2);
if (!server) {
  console.error('usage: node calendar-client.mjs SERVER [DATA_DIR]');
  process.exit(2);
}

const h = harness('calendar-sdk');
const { check, finish } = h;
const dir = h.tempDir('tripmcp-calendar-sdk-');
const clients = [];
h.beforeSummary(async () => {
  for (const c of clients) await c.close().catch(() => {});
});

async function start(command, db, extraArgs = []) {
  const client = new Client({ name: 'tripmcp-calendar-sdk', version: '1.0.0' }, { capabilities: {} });
  const transport = await h.stdioTransport({
    command,
    args: ['--db', db, '--data-dir', resolve(dataDir), ...extraArgs],
    env: { TRIPMCP_TODAY: '2024-05-01', TRIPMCP_EMAIL_FROM: '' },
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}

let client;
try {
  client = await start(server, join(dir, 'calendar.db'));
} catch (err) {
  await finish(`connect: ${err?.message}`);
}
const REQ = { timeout: 20000 };
const call = (name, args) => client.callTool({ name, arguments: args }, undefined, REQ);
const readJson = (uri) => readResourceJson(client, uri, REQ);
const updates = [];
client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => updates.push(n.params.uri));

await check('initialize', async () => {
  expect(client.getServerVersion()?.name === 'tripmcp-calendar', `server name ${client.getServerVersion()?.name}`);
  const caps = client.getServerCapabilities();
  expect(caps?.tools && caps?.resources?.subscribe && caps?.completions, 'capabilities lack tools, resource subscriptions or completions');
});

await check('tools/list with schemas and truthful annotations', async () => {
  const { tools } = await client.listTools({}, REQ);
  const by = Object.fromEntries(tools.map((t) => [t.name, t]));
  const names = Object.keys(by).sort();
  expect(
    JSON.stringify(names) === JSON.stringify(['checkAvailability', 'createCalendarEvent', 'deleteEvent', 'listEvents', 'sendEmail']),
    `tools ${names}`
  );
  for (const t of tools) {
    expect(t.inputSchema?.type === 'object' && t.outputSchema?.type === 'object', `${t.name}: schemas`);
  }
  expect(by.checkAvailability.annotations?.readOnlyHint === true, 'checkAvailability readOnlyHint');
  expect(by.listEvents.annotations?.readOnlyHint === true, 'listEvents readOnlyHint');
  expect(by.deleteEvent.annotations?.destructiveHint === true, 'deleteEvent destructiveHint');
  expect(by.createCalendarEvent.annotations?.readOnlyHint === false, 'createCalendarEvent readOnlyHint');
  expect(by.sendEmail.annotations?.openWorldHint === true, 'sendEmail openWorldHint');
});

await check('calendar://my-calendar/June-2024: June 15-22 free, the weeks around it busy', async () => {
  const { resources } = await client.listResources({}, REQ);
  expect(resources.some((r) => r.uri === 'calendar://my-calendar/June-2024'), 'June-2024 not listed');
  const { resourceTemplates } = await client.listResourceTemplates({}, REQ);
  expect(resourceTemplates.some((t) => t.uriTemplate === 'calendar://{calendar}/{period}'), 'template not listed');
  const june = await readJson('calendar://my-calendar/June-2024');
  expect(june.free.some((r) => r.start === '2024-06-15' && r.end === '2024-06-22'), `free ${JSON.stringify(june.free)}`);
  for (const d of june.days) {
    const day = Number(d.date.slice(8));
    if (day >= 8) expect(d.status === (day >= 15 && day <= 22 ? 'free' : 'busy'), `${d.date} is ${d.status}`);
  }
  const same = await readJson('calendar://my-calendar/2024-06');
  expect(same.events.length === june.events.length, '2024-06 differs from June-2024');
  const week = await readJson('calendar://my-calendar/2024-06-15..2024-06-22');
  expect(week.events.length === 0 && week.days.length === 8, 'the guide week is not empty');
});

await check('unknown calendar and bad period are resource errors', async () => {
  for (const [uri, want] of [
    ['calendar://nobody/June-2024', 'no calendar'],
    ['calendar://my-calendar/someday', 'June-2024'],
  ]) {
    let err;
    try {
      await client.readResource({ uri }, REQ);
    } catch (e) {
      err = e;
    }
    expect(err && err.code === -32002 && err.message.includes(want), `${uri}: ${err?.code} ${err?.message}`);
  }
});

await check('completion for {calendar}', async () => {
  const r = await client.complete(
    { ref: { type: 'ref/resource', uri: 'calendar://{calendar}/{period}' }, argument: { name: 'calendar', value: 'my' } },
    REQ
  );
  expect(JSON.stringify(r.completion.values) === '["my-calendar"]', `values ${r.completion.values}`);
});

await check('checkAvailability for the guide week', async () => {
  const r = await call('checkAvailability', { calendar: 'my-calendar', startDate: '2024-06-15', endDate: '2024-06-22' });
  expect(!r.isError && r.structuredContent.available === true && r.structuredContent.conflicts.length === 0, JSON.stringify(r.content));
  const b = await call('checkAvailability', { calendar: 'my-calendar', startDate: '2024-06-23', endDate: '2024-06-30' });
  expect(b.structuredContent.available === false && b.structuredContent.conflictCount >= 5, 'June 23-30 should conflict');
});

let uid;
await check("the guide's createCalendarEvent, with a notification", async () => {
  await client.subscribeResource({ uri: 'calendar://my-calendar/June-2024' }, REQ);
  const r = await call('createCalendarEvent', {
    calendar: 'my-calendar',
    title: 'Barcelona Vacation',
    startDate: '2024-06-15',
    endDate: '2024-06-22',
    description: 'Trip to Barcelona - Delta flights, Marriott hotel',
    reminders: [{ type: 'notification', time: '1 week before' }],
  });
  expect(!r.isError, `isError: ${r.content?.[0]?.text}`);
  uid = r.structuredContent.uid;
  expect(typeof uid === 'string' && r.content[0].text.includes(uid), 'uid');
  expect(r.structuredContent.event.reminders[0].at === '2024-06-08T00:00', 'reminder time');
  for (let i = 0; i < 50 && !updates.includes('calendar://my-calendar/June-2024'); i++) await new Promise((s) => setTimeout(s, 20));
  expect(updates.includes('calendar://my-calendar/June-2024'), `updates ${updates}`);
  const l = await call('listEvents', { calendar: 'my-calendar', startDate: '2024-06-15', endDate: '2024-06-22' });
  expect(l.structuredContent.events.some((e) => e.uid === uid), 'listEvents lacks the new event');
});

await check('idempotencyKey: a retry returns the same event', async () => {
  const args = {
    calendar: 'my-calendar',
    title: 'Flight home',
    startDate: '2024-06-22T11:00',
    endDate: '2024-06-22T19:30',
    description: 'BCN-JFK',
    reminders: [],
    idempotencyKey: 'sdk-retry-1',
  };
  const a = await call('createCalendarEvent', args);
  const b = await call('createCalendarEvent', args);
  expect(a.structuredContent.uid === b.structuredContent.uid && b.structuredContent.created === false, 'not the same event');
  const d = await call('deleteEvent', { calendar: 'my-calendar', uid: a.structuredContent.uid });
  expect(!d.isError && d.structuredContent.deleted === true, 'delete');
});

await check("the guide's sendEmail writes a MIME message into the outbox", async () => {
  const r = await call('sendEmail', {
    to: 'user@example.com',
    subject: 'Your Barcelona Trip Confirmation',
    body: {
      flights: 'Delta - NYC to Barcelona, June 15-22',
      hotel: 'Marriott Barcelona, Gothic Quarter area',
      total_cost: '$2,500 (within budget)',
      weather: 'Sunny, 75-82°F',
      itinerary_link: 'travel://itineraries/barcelona-2024',
    },
    attachments: ['calendar://my-calendar/June-2024', 'travel://about'],
  });
  expect(!r.isError, `isError: ${r.content?.[0]?.text}`);
  const sc = r.structuredContent;
  expect(sc.delivered === false && /not delivered/.test(r.content[0].text), 'must say nothing was delivered');
  expect(sc.path.startsWith(join(dir, 'outbox', 'new')), `path ${sc.path}`);
  expect(readdirSync(join(dir, 'outbox', 'tmp')).length === 0, 'tmp/ not empty');
  const text = readFileSync(sc.path, 'latin1');
  expect(/^Subject: Your Barcelona Trip Confirmation$/m.test(text), 'Subject header');
  expect(/^To: user@example.com$/m.test(text), 'To header');
  expect(/^Date: /m.test(text) && /^Message-Id: <[^>]+@[^>]+>$/im.test(text), 'Date and Message-Id');
  expect(/^Content-Type: multipart\/mixed;/m.test(text), 'multipart');
  expect(/filename=calendar-my-calendar-June-2024\.json/.test(text), 'calendar attachment');
  expect(/filename=travel-about/.test(text), 'travel attachment');
  expect(/Total cost: \$2,500 \(within budget\)/.test(text), 'rendered body');
  expect(text.split('\n').every((l) => l.length <= 998), 'a line longer than 998');
});

await check("sendEmail with the guide's file attachments says what is accepted", async () => {
  const r = await call('sendEmail', {
    to: 'user@example.com',
    subject: 'x',
    body: 'y',
    attachments: ['boarding_passes.pdf', 'hotel_confirmation.pdf'],
  });
  expect(r.isError && /attachments\[0\].*boarding_passes\.pdf.*calendar:\/\//.test(r.content[0].text), r.content?.[0]?.text);
});

await check('bad input is isError naming the field, nothing written', async () => {
  const before = readdirSync(join(dir, 'outbox', 'new')).length;
  const cases = [
    ['sendEmail', { to: 'user@example.com', subject: 'Hi\r\nBcc: evil@example.com', body: 'b' }, 'subject'],
    ['sendEmail', { to: 'Evil\nBcc: <evil@example.com>', subject: 's', body: 'b' }, 'to'],
    ['sendEmail', { to: 'not-an-address', subject: 's', body: 'b' }, 'to'],
    ['sendEmail', { to: 'user@example.com', subject: 's', body: 7 }, 'body'],
    ['checkAvailability', { calendar: 'my-calendar', startDate: '2024-04-01', endDate: '2024-04-02' }, 'startDate'],
    ['checkAvailability', { calendar: 'my-calendar', startDate: '2024-06-22', endDate: '2024-06-15' }, 'endDate'],
    ['createCalendarEvent', { calendar: 'x"; DROP TABLE events; --', title: 't', startDate: '2024-06-15', endDate: '2024-06-15', description: '', reminders: [] }, 'calendar'],
    ['createCalendarEvent', { calendar: 'my-calendar', title: 't', startDate: '2024-06-15', endDate: '2024-06-15', description: '', reminders: [{ time: 'whenever' }] }, 'reminders[0].time'],
    ['listEvents', { calendar: 'my-calendar', startDate: 'tomorrow' }, 'startDate'],
    ['deleteEvent', { calendar: 'my-calendar', uid: "' OR 1=1 --" }, 'uid'],
  ];
  for (const [tool, args, field] of cases) {
    const r = await call(tool, args);
    expect(r.isError === true, `${tool} ${JSON.stringify(args)}: not isError`);
    expect(r.content?.[0]?.text?.includes(field), `${tool}: '${r.content?.[0]?.text}' does not name ${field}`);
  }
  expect(readdirSync(join(dir, 'outbox', 'new')).length === before, 'a message was written');
  const l = await call('listEvents', { calendar: 'my-calendar', startDate: '2024-06-01', endDate: '2024-06-30' });
  expect(l.structuredContent.count === 15, `events in June: ${l.structuredContent.count}`);
});

await check('travel:// attachment without tripmcp-travel beside the program; --outbox', async () => {
  // A copy of the program alone in a directory: no sibling to start.
  const lone = join(dir, 'lone');
  const copy = join(dir, 'lone-bin', 'tripmcp-calendar');
  mkdirSync(join(dir, 'lone-bin'), { recursive: true });
  mkdirSync(lone, { recursive: true });
  copyFileSync(server, copy);
  chmodSync(copy, 0o755);
  const out = join(dir, 'elsewhere', 'outbox');
  const c = await start(copy, join(lone, 'calendar.db'), ['--outbox', out]);
  const r = await c.callTool(
    { name: 'sendEmail', arguments: { to: 'user@example.com', subject: 's', body: 'b', attachments: ['travel://itineraries/barcelona-2024'] } },
    undefined,
    REQ
  );
  expect(r.isError && /attachments\[0\].*travel:\/\/itineraries\/barcelona-2024.*tripmcp-travel/.test(r.content[0].text), r.content?.[0]?.text);
  expect(!existsSync(join(out, 'new')) || readdirSync(join(out, 'new')).length === 0, 'a message was written');
  // --outbox decides where messages go.
  const ok = await c.callTool({ name: 'sendEmail', arguments: { to: 'user@example.com', subject: 's', body: 'b' } }, undefined, REQ);
  expect(!ok.isError && ok.structuredContent.path.startsWith(join(out, 'new') + '/'), `path ${ok.structuredContent?.path}`);
  expect(readdirSync(join(out, 'new')).length === 1 && !existsSync(join(lone, 'outbox')), '--outbox not used');
});

await finish();
