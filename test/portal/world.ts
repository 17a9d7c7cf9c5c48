// A central node for the browser tests, as `joulebook central` runs it: embedded broker, SQLite, the
// example inventory and tariffs, invoice runs and the API with the portal, on free ports. October 2026 is
// in the store already (test/energy/example-data.ts, written through the store's ingest interface) and
// invoiced by the real run; late data then lowers acme's first energy line by 10.00 (and its VAT), a credit note against
// its invoice made here as a recheck would (rechecks are off, so no tick recomputes it back: the real
// recheck is tested in test/billing/); live readings come over MQTT from a gateway with its own credentials.
import mqtt, { type MqttClient } from 'mqtt';
import type { Clock } from '../../common/clock.js';
import { AuthService } from '../../central/auth/service.js';
import { setUser } from '../../central/broker/credentials.js';
import type { RunningCentral } from '../../central/main.js';
import type { PointInfo } from '../../central/model/types.js';
import { dec, formatMoney } from '../../central/billing/money.js';
import { noteFor } from '../../central/billing/notes.js';
import type { StoredNote } from '../../central/storage/billing/types.js';
import { SCHEMA_VERSION, topicFor } from '../../protocol/wire.js';
import { anchoredClock, NOV_5_2026_MS } from '../helpers/anchored-clock.js';
import { quietLog } from '../helpers/env.js';
import { startExampleCentral } from '../helpers/example-central.js';

const FAST = { scrypt: { N: 1024, r: 8, p: 1 }, mosquittoIterations: 101 };
export const PASSWORDS = { ops: 'ops-pass-1', acme: 'acme-pass-1', nord: 'nord-pass-1' } as const;
/** Rack ams1-k11 is acme's since 15 October; its PDU's inlet A is the live point of the tests. */
export const LIVE_POINT = 'ams1-k11-pdu-a/total';

export interface PortalWorld {
  central: RunningCentral;
  url: string;
  /** The node's clock: the browser contexts run on the same calendar. */
  clock: Clock;
  /** acme's credit note against its October invoice NL-BV-2026-000001. */
  acmeNote: StoredNote;
  /** Publishes one reading of the live point over MQTT, as its gateway; resolves once stored (PUBACK). */
  publishLive(powerW: number): Promise<void>;
  close(): Promise<void>;
}

export async function startPortalWorld(): Promise<PortalWorld> {
  // On 5 November 2026 October is the one closed month the billing tick drafts, whatever day the suite
  // runs (on the real clock, December's ticks drafted November too).
  const clock = anchoredClock(NOV_5_2026_MS);
  let live!: PointInfo;
  const { central, mqttPort } = await startExampleCentral({
    clock,
    recheckMonths: 0,
    credentials: async (file, model) => {
      live = model.points.get(LIVE_POINT)!;
      await setUser(file, { username: 'gw-live', password: 'pw-live', role: 'gateway', site: live.site, gateway: live.gateway }, FAST);
    },
  });
  const auth = new AuthService({ store: central.access!, clock, log: quietLog, scrypt: FAST.scrypt });
  await auth.addUser({ username: 'ops', role: 'operator', password: PASSWORDS.ops });
  await auth.addUser({ username: 'acme-admin', role: 'customer', customer: 'acme', password: PASSWORDS.acme });
  await auth.addUser({ username: 'nord-admin', role: 'customer', customer: 'nordwind', password: PASSWORDS.nord });
  await central.billing!.runner.runPeriod('nl-bv', '2026-10');
  const inv = (await central.billing!.store.invoiceByNumber('NL-BV-2026-000001'))!;
  const first = inv.draft.lines.findIndex((l) => l.kind === 'energy');
  const cut = inv.draft.lines[first]!;
  // 10.00 less on the line, and on the tax line of its VAT rate the base and the tax that go with it.
  const recomputed = {
    ...inv.draft,
    lines: inv.draft.lines.map((l, i) => {
      if (i === first) return { ...l, amount: formatMoney(dec(l.amount).minus(10), inv.currency) };
      if (l.kind !== 'tax' || !l.vat || l.vat.category !== cut.vat?.category || l.vat.ratePct !== cut.vat.ratePct) return l;
      const tax = dec(10).times(l.vat.ratePct).div(100);
      return {
        ...l,
        quantity: formatMoney(dec(l.quantity).minus(10), inv.currency),
        amount: formatMoney(dec(l.amount).minus(tax), inv.currency),
      };
    }),
  };
  const late = noteFor({ ...inv.draft, number: inv.number! }, recomputed)!;
  const acmeNote = (await central.billing!.store.addNote(late, { fingerprint: 'late', atMs: clock.now(), year: 2026 })).note;

  let gw: MqttClient | undefined;
  let seq = 0;
  let energyKwh = 9000;
  const publishLive = async (powerW: number) => {
    gw ??= await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
      username: 'gw-live',
      password: 'pw-live',
      clientId: 'gw-live-e2e',
      protocolVersion: 4,
    });
    const ts = clock.now();
    energyKwh += powerW / 1000 / 60;
    seq++;
    const message = {
      v: SCHEMA_VERSION,
      gateway: live.gateway,
      boot: 'e2e',
      seq,
      seqEnd: seq,
      sentAt: ts,
      historical: false,
      readings: [
        { device: live.device, channel: live.channel, ts, values: { energy_import_kwh: energyKwh, power_w: powerW }, quality: 'good' },
      ],
    };
    await gw.publishAsync(topicFor(live.site, live.gateway, 'readings'), JSON.stringify(message), { qos: 1 });
  };
  return {
    central,
    url: central.api!.url,
    clock,
    acmeNote,
    publishLive,
    close: async () => {
      await gw?.endAsync(true);
      await central.stop();
    },
  };
}
