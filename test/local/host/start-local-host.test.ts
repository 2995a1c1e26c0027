import net from 'node:net';
import path from 'node:path';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type RunningAzurite } from '../../../lib/local/azurite/start-azurite';
import { startLocalHost, type LocalHost } from '../../../lib/local/host/start-local-host';
import { getFixtureRecord } from './fixtures/fixture-recorder';

const fixtures = path.join(__dirname, 'fixtures');
const functionModules = ['fixture-timer.ts', 'fixture-worker.ts', 'fixture-http.ts'].map((file) =>
  path.join(fixtures, file),
);

interface LogEntry {
  level: string;
  message: string;
  props?: Record<string, unknown>;
}

describe('startLocalHost', () => {
  let azurite: RunningAzurite;
  let host: LocalHost;
  const logs: LogEntry[] = [];
  const record = getFixtureRecord();
  const queueService = (): QueueServiceClient => QueueServiceClient.fromConnectionString(azurite.connectionString);
  const sendJson = (queue: string, value: unknown) =>
    queueService()
      .getQueueClient(queue)
      .sendMessage(Buffer.from(JSON.stringify(value)).toString('base64'));

  beforeAll(async () => {
    azurite = await startAzurite();
    host = await startLocalHost({
      functionModules,
      appSettings: {
        AzureWebJobsStorage: azurite.connectionString,
        FIXTURE_QUEUE: 'work-items',
        FIXTURE_SCHEDULE: '0 0 * * * *',
      },
      hostJsonPath: path.join(fixtures, 'host.json'),
      httpPort: 0,
      startTimers: false,
      log: (level, message, props) => logs.push({ level, message, ...(props ? { props } : {}) }),
    });
  });

  afterAll(async () => {
    await host?.close();
    await azurite?.close();
  });

  it('receives every registration made through the real @azure/functions app API', () => {
    expect([...host.functions].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'fixtureEcho', trigger: 'httpTrigger', route: '/api/items/{id}/{mode?}', methods: ['GET', 'POST'] },
      { name: 'fixtureHealth', trigger: 'httpTrigger', route: '/api/health', methods: ['GET'] },
      { name: 'fixtureTimer', trigger: 'timerTrigger', schedule: '0 0 * * * *' },
      { name: 'fixtureWorker', trigger: 'queueTrigger', queueName: 'work-items' },
    ]);
  });

  it('runs a timer whose queue output is processed by the queue trigger, then reports idle', async () => {
    const queueCallsBefore = record.queueCalls.length;
    await host.runTimer('fixtureTimer');
    await host.waitForIdle();

    expect(record.timerCalls.at(-1)).toEqual({ isPastDue: false, scheduleStatus: null });
    const jobs = record.queueCalls.slice(queueCallsBefore).map((call) => call.message);
    expect(jobs).toEqual(expect.arrayContaining([{ job: 1 }, { job: 2 }, { job: 3 }]));
    expect(jobs).toHaveLength(3);
    const peeked = await queueService().getQueueClient('work-items').peekMessages({ numberOfMessages: 32 });
    expect(peeked.peekedMessageItems).toHaveLength(0);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'fanning out 3',
        props: expect.objectContaining({ functionName: 'fixtureTimer', category: 'user' }),
      }),
    );
  });

  it('passes queue trigger metadata like the host, with the message as parsed JSON', async () => {
    const before = record.queueCalls.length;
    await sendJson('work-items', { hello: 'metadata' });
    await host.waitForIdle();

    const call = record.queueCalls.slice(before).find((c) => JSON.stringify(c.message) === '{"hello":"metadata"}');
    expect(call?.triggerMetadata).toMatchObject({
      dequeueCount: 1,
      queueTrigger: { hello: 'metadata' },
      id: expect.any(String),
      popReceipt: expect.any(String),
    });
    for (const key of ['insertionTime', 'expirationTime', 'nextVisibleTime']) {
      expect(Number.isNaN(Date.parse(String(call?.triggerMetadata?.[key])))).toBe(false);
    }
  });

  it('retries a failing message with a growing dequeueCount, then moves it to the poison queue', async () => {
    const before = record.queueCalls.length;
    await sendJson('work-items', { fail: 'always' });
    await host.waitForIdle();

    const attempts = record.queueCalls.slice(before).filter((c) => JSON.stringify(c.message) === '{"fail":"always"}');
    expect(attempts.map((a) => a.triggerMetadata?.['dequeueCount'])).toEqual([1, 2, 3]);
    const poison = await queueService().getQueueClient('work-items-poison').receiveMessages({ numberOfMessages: 32 });
    expect(poison.receivedMessageItems.map((m) => JSON.parse(Buffer.from(m.messageText, 'base64').toString()))).toEqual(
      [{ fail: 'always' }],
    );
    expect((await queueService().getQueueClient('work-items').getProperties()).approximateMessagesCount).toBe(0);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'Message moved to work-items-poison after 3 attempts' }),
    );
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', message: 'failing on purpose' }));
  });

  it('routes HTTP requests with path parameters and query to the function and writes its response', async () => {
    const response = await fetch(`${host.httpUrl}/api/items/a%20b?q=find`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-fixture')).toBe('yes');
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual({ id: 'a b', mode: null, q: 'find', body: null });
  });

  it('fills an optional route parameter and passes the request body', async () => {
    const response = await fetch(`${host.httpUrl}/API/Items/42/full`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ id: '42', mode: 'full', q: null, body: { name: 'x' } });
  });

  it('answers 404 for an unknown route and 405 for a known route with the wrong method', async () => {
    expect((await fetch(`${host.httpUrl}/api/nothing-here`)).status).toBe(404);
    expect((await fetch(`${host.httpUrl}/items/1`)).status).toBe(404);
    const wrongMethod = await fetch(`${host.httpUrl}/api/health`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect(await (await fetch(`${host.httpUrl}/api/health`)).text()).toBe('ok');
  });

  it('answers its own 404 and 405 as problem+json', async () => {
    const missing = await fetch(`${host.httpUrl}/api/nothing-here`);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await missing.json()).toMatchObject({ status: 404, code: 'RouteNotFound', instance: '/api/nothing-here' });
    const wrongMethod = await fetch(`${host.httpUrl}/api/health`, { method: 'DELETE' });
    expect(wrongMethod.headers.get('content-type')).toBe('application/problem+json');
    expect(await wrongMethod.json()).toMatchObject({ status: 405, code: 'MethodNotAllowed' });
  });

  it('answers a malformed or foreign Host header with a 400 and keeps serving (DNS rebinding)', async () => {
    const port = new URL(host.httpUrl).port;
    const send = (head: string) => rawRequest(Number(port), `${head}\r\n\r\n`);
    for (const hostHeader of [
      'evil.example',
      `attacker.example:${port}`,
      '[::1',
      'exa mple',
      '127.0.0.1.nip.io',
      '%',
    ]) {
      const answer = await send(`GET /api/health HTTP/1.1\r\nHost: ${hostHeader}\r\nConnection: close`);
      expect(answer, hostHeader).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toContain('application/problem+json');
      expect(answer).toContain('"code":"InvalidHost"');
    }
    const noHost = await send('GET /api/health HTTP/1.0');
    expect(noHost).toMatch(/^HTTP\/1\.1 400 /);
    const garbage = await send('NOT A REQUEST LINE');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(garbage).toContain('application/problem+json');
    for (const loopback of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'localhost']) {
      const answer = await send(`GET /api/health HTTP/1.1\r\nHost: ${loopback}\r\nConnection: close`);
      expect(answer, loopback).toMatch(/^HTTP\/1\.1 200 /);
    }
    expect(await (await fetch(`${host.httpUrl}/api/health`)).text()).toBe('ok');
  });

  it('refuses a request a page from another origin sends, and serves its own origin', async () => {
    const foreign = await fetch(`${host.httpUrl}/api/items/1`, { headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ code: 'CrossOriginRefused' });
    const own = await fetch(`${host.httpUrl}/api/items/1`, { headers: { origin: host.httpUrl } });
    expect(own.status).toBe(200);
  });

  it('is idle while a message waits out its Put Message visibility timeout, and runs it once visible', async () => {
    const before = record.queueCalls.length;
    const queue = queueService().getQueueClient('work-items');
    const body = Buffer.from(JSON.stringify({ job: 'later' })).toString('base64');
    // An hour: far beyond anything this test waits, so "not yet visible" holds however slow the machine is.
    const sent = await queue.sendMessage(body, { visibilityTimeout: 3600 });
    await host.waitForIdle();
    expect(record.queueCalls.slice(before)).toHaveLength(0);
    // Azurite keeps it, invisible: counted in the queue length, absent from Peek (which returns visible ones).
    expect((await queue.getProperties()).approximateMessagesCount).toBe(1);
    expect((await queue.peekMessages()).peekedMessageItems).toHaveLength(0);
    expect(sent.nextVisibleOn.getTime() - sent.insertedOn.getTime()).toBe(3600_000);

    // The hour passes (Update Message with the pop receipt Put Message returned): the host now runs it.
    await queue.updateMessage(sent.messageId, sent.popReceipt, undefined, 0);
    await host.waitForIdle();
    expect(record.queueCalls.slice(before).map((c) => c.message)).toEqual([{ job: 'later' }]);
    expect((await queue.getProperties()).approximateMessagesCount).toBe(0);
  });

  it('refuses to run a timer that does not exist', async () => {
    await expect(host.runTimer('noSuchTimer')).rejects.toMatchObject({ code: 'TimerFunctionNotFound' });
  });

  it('runs timers on their NCRONTAB schedule (seconds field) when timers are started', async () => {
    const second = await startLocalHost({
      functionModules: [path.join(fixtures, 'fixture-timer.ts')],
      appSettings: {
        AzureWebJobsStorage: azurite.connectionString,
        FIXTURE_QUEUE: 'ticks',
        FIXTURE_SCHEDULE: '* * * * * *',
      },
      hostJsonPath: path.join(fixtures, 'host.json'),
      httpPort: 0,
      log: () => undefined,
    });
    try {
      expect(second.functions.map((fn) => fn.name)).toEqual(['fixtureTimer']);
      const ticks = queueService().getQueueClient('ticks');
      let count = 0;
      for (let attempt = 0; attempt < 60 && count < 3; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        count =
          (await ticks.getProperties().catch(() => ({ approximateMessagesCount: 0 }))).approximateMessagesCount ?? 0;
      }
      expect(count).toBeGreaterThanOrEqual(3);
    } finally {
      await second.close();
    }
  });
});

/** Sends raw bytes (headers fetch would not let through) and returns everything the server answers. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}
