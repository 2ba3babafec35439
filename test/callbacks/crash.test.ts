/**
 * Kassa killed with SIGKILL while deliveries are pending or in flight loses
 * none of them: a restarted dispatcher delivers every event at least once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../support/receiver.js';
import {
  addEndpoint,
  appendEvents,
  deliveryRows,
  invoiceSnapshot,
  seedInvoice,
  seedProject,
} from './helpers/fixtures.js';
import { createTestStore, ENGINES, type TestStore } from './helpers/stores.js';

const CHILD = path.join(import.meta.dirname, 'helpers', 'dispatcher-child.ts');

function startChild(location: TestStore['location']): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(location)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`dispatcher child did not start: ${stderr}`)),
      20_000,
    );
    child.stdout?.on('data', (c: Buffer) => {
      if (c.toString().includes('ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dispatcher child exited with ${code}: ${stderr}`));
    });
  });
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

describe.each(ENGINES)('dispatcher crash on %s', (engine) => {
  let store: TestStore | undefined;
  let receiver: Receiver | undefined;
  const children: ChildProcess[] = [];

  afterEach(async () => {
    for (const c of children.splice(0)) await kill(c, 'SIGKILL');
    await receiver?.close();
    await store?.destroy();
  });

  it('delivers every event at least once after the dispatcher is SIGKILLed and restarted', async () => {
    store = await createTestStore(engine, { file: true });
    receiver = await startReceiver();
    receiver.respond = () => ({ status: 200, delayMs: 120 });
    const seeded = await seedProject(store.db);
    await addEndpoint(
      store.db,
      seeded.shopId,
      `${receiver.url}/hook`,
      'native',
      `whsec_${randomBytes(24).toString('base64')}`,
    );
    const expected = new Map<string, string[]>();
    for (let i = 0; i < 8; i++) {
      const inv = await seedInvoice(store.db, seeded);
      const ids: string[] = [];
      for (const status of ['pending', 'partial', 'paid'] as const) {
        const [e] = await appendEvents(store.db, seeded.shopId, [
          {
            invoiceId: inv.id,
            type: 'invoice.status_changed',
            data: { invoice: invoiceSnapshot(inv, seeded.shopId, { status }) },
          },
        ]);
        ids.push(e?.id ?? '');
      }
      expected.set(inv.id, ids);
    }
    const total = 24;

    const first = await startChild(store.location);
    children.push(first);
    await receiver.waitFor((r) => r.length >= 6);
    await kill(first, 'SIGKILL');
    const afterKill = await deliveryRows(store.db);
    expect(afterKill.filter((r) => r.status === 'pending').length).toBeGreaterThan(0);

    const second = await startChild(store.location);
    children.push(second);
    const deadline = Date.now() + 30_000;
    while ((await deliveryRows(store.db)).some((r) => r.status !== 'delivered')) {
      if (Date.now() > deadline) throw new Error('deliveries still pending 30 s after the restart');
      await new Promise((r) => setTimeout(r, 50));
    }
    await kill(second, 'SIGTERM');

    const received = receiver.requests.map(
      (r) => JSON.parse(r.body) as { id: string; data: { invoice: { id: string } } },
    );
    const ids = new Set(received.map((b) => b.id));
    expect(ids.size).toBe(total);
    for (const [invoiceId, events] of expected) {
      const firstSeen = [
        ...new Set(received.filter((b) => b.data.invoice.id === invoiceId).map((b) => b.id)),
      ];
      expect(firstSeen).toEqual(events);
    }
    expect(await deliveryRows(store.db)).toHaveLength(total);
  });
});
