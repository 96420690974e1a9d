// The doctor's workstation: every channel of the contract except the patient ones, wired one-to-one to the vault,
// the chart service and the settings service. No handler returns a seed, key or password (the contract's response
// schemas are the last gate: anything extra is stripped by the registry).
import { IpcFailure, type ChartView, type HistoryEntry } from '../../../src-shared/ipc';
import type { IdentitySummary } from '../../vault';
import { isVettedTransactionUrl } from '../external-links';
import { NodeUnreachableError } from '../../ledger/errors';
import { nodeBase } from '../../ledger/node-url';
import type { HandlerMap } from '../registry';
import { commonHandlers } from './common';
import { hospitalHandlers } from './hospital';
import { itDeskHandlers } from './it-desk';
import { emergencyReviewHandlers } from './emergency-review';
import { upgradeV3Handlers } from './upgrade-v3';
import type { WorkstationContext } from './context';
import { outboxItemOf, practitionerOf } from '../../records/contract-views';
import { ChartServiceError } from '../../records/errors';

const identity = (i: IdentitySummary) => ({
  id: i.id,
  name: i.name,
  specialty: i.specialty,
  licenceNumber: i.licenceNumber,
  signKey: i.signKey,
  boxKey: i.boxKey,
  createdAt: i.createdAt,
});

const sameNode = (a: string, b: string) => {
  try {
    return nodeBase(a) === nodeBase(b);
  } catch {
    return false;
  }
};

const safeFileName = (name: string) =>
  name
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60) || 'healthchain';

export function workstationHandlers(ctx: WorkstationContext): HandlerMap<'workstation'> {
  const { vault, charts, settings, session, shell, status } = ctx;

  /** One doctor at a time: signing someone in locks whoever was signed in before. */
  const signIn = (id: string, holder: Parameters<typeof session.set>[1]) => {
    for (const other of vault.unlockedIds()) if (other !== id) vault.lock(other, 'signed-out');
    session.set(id, holder);
  };

  const doctor = async (signKey: string) => {
    const found = await charts.findPractitioner(signKey);
    if (!found)
      throw new IpcFailure(
        'PRACTITIONER_NOT_FOUND',
        'This doctor is not in the practitioner directory of the ledger.',
        { signKey: 'not in the directory' },
      );
    return found;
  };

  /** A write answers with the chart as the writer left it: no read after the write. */
  const written = ({ chart, version }: { chart: ChartView; version: HistoryEntry }) => ({ chart, version });

  return {
    ...commonHandlers(settings, status),
    ...hospitalHandlers({ hospital: ctx.hospital, settings, session, status, shell }),
    ...emergencyReviewHandlers(ctx.emergencyReview),
    ...itDeskHandlers({
      hospital: ctx.hospital,
      sessions: ctx.recoverySessions,
      vault,
      charts,
      session,
      shell,
    }),
    ...upgradeV3Handlers({ vault, charts, session }),

    'vault.list': async () => ({ identities: (await vault.list()).identities.map(identity) }),
    'vault.session': async () => {
      const active = session.active;
      return { identity: active ? identity(await vault.get(active.id)) : null };
    },
    'vault.create': async (req) => {
      const { identity: created, holder } = await vault.create(req);
      signIn(created.id, holder);
      // Publishing goes through the outbox: with the node down it stays pending and is sent later.
      await charts
        .publishPractitioner(holder, { name: created.name, specialty: created.specialty })
        .catch((error: unknown) => {
          console.warn('[ipc] practitioner entry not published yet:', error instanceof Error ? error.message : error);
        });
      return { identity: identity(created) };
    },
    'vault.unlock': async (req) => {
      const holder = await vault.unlock(req.id, req.password);
      signIn(req.id, holder);
      return { identity: identity(await vault.get(req.id)) };
    },
    'vault.lock': async () => {
      vault.lockAll('manual');
      return {};
    },
    'vault.changePassword': async (req) => {
      await vault.changePassword(req.id, req.oldPassword, req.newPassword);
      return {};
    },
    'vault.delete': async (req) => {
      // The name check comes first so a typo costs no password attempt; the password is then checked by unsealing.
      const named = await vault.get(req.id);
      if (req.confirmation.trim() !== named.name.trim()) {
        throw new IpcFailure('CONFIRMATION_MISMATCH', `Type the identity's name, "${named.name}", to delete it.`, {
          confirmation: 'does not match the name',
        });
      }
      const { token, identity: target } = await vault.requestDeletion(req.id, req.password);
      await vault.deleteIdentity(req.id, token);
      // Nothing of a deleted identity stays on the workstation, not even its cache of verified (public) transactions.
      await charts.forgetVerified(target.signKey);
      return {};
    },
    'vault.exportBackup': async (req) => {
      const target = await vault.get(req.id);
      const backup = await vault.exportBackup(req.id, req.password);
      return { savedTo: await shell.saveFile(`${safeFileName(target.name)}.healthchain-backup.json`, backup) };
    },
    'vault.importBackup': async (req) => ({ identity: identity(await vault.importBackup(req.backup, req.password)) }),

    'charts.list': async (req) => {
      const { holder } = session.require();
      const pick = (all: Awaited<ReturnType<typeof charts.list>>) =>
        req.status === 'all' ? all : all.filter((c) => c.status === req.status);
      try {
        return { charts: pick(await charts.list(holder)) };
      } catch (error) {
        // No node answers: the doctor still sees the charts verified on this workstation, and is told so.
        if (!(error instanceof NodeUnreachableError)) throw error;
        const verified = await charts.list(holder, { from: 'verified-cache' });
        if (verified.length === 0) throw error;
        return {
          charts: pick(verified),
          offline: {
            message: `${error.message}. These are the charts as last verified on this workstation (and what waits in the outbox); changes made elsewhere since then are not shown.`,
          },
        };
      }
    },
    'charts.get': async (req) => {
      const { holder } = session.require();
      try {
        return await charts.get(holder, req.chartId, { seq: req.seq });
      } catch (error) {
        // Not a reader: a running emergency grant may still let this doctor read (read-only, with its banner). An
        // envelope v3 chart this doctor has no slot in reads as not found (nothing names its readers): the same.
        const closed = error instanceof ChartServiceError && ['NotAReader', 'ChartNotFound'].includes(error.code);
        if (!closed || req.seq !== undefined) throw error;
        return charts.emergency.openByGrant(holder, req.chartId).catch((grantError: unknown) => {
          throw grantError instanceof ChartServiceError && grantError.code === 'NotAReader' ? error : grantError;
        });
      }
    },
    'charts.access': async (req) => {
      const { holder } = session.require();
      return charts.emergency.access(holder, req.chartId);
    },
    'emergency.request': async (req) => {
      const { holder } = session.require();
      const p = req.patient;
      const target =
        p.by === 'chart'
          ? { chart: p.chartId }
          : p.by === 'card'
            ? { chart: await charts.emergency.chartOfCard(p.code) }
            : { query: { family: p.family, given: p.given, birthDate: p.birthDate } };
      return charts.emergency.request(holder, { target, reason: req.reason, note: req.note });
    },
    'emergency.state': async (req) => {
      const { holder } = session.require();
      return charts.emergency.requestState(holder, req.requestId);
    },
    'charts.create': async (req) => {
      const { holder } = session.require();
      const created = await charts.create(holder, req.chart, { pin: req.pin });
      return {
        chart: created.chart,
        card: {
          code: created.card.code,
          qrDataUrl: created.card.qrDataUrl,
          instructions:
            'Keep this card private. At the HealthChain kiosk, type the code (or show the QR code) and your PIN to read your record. ' +
            'The hospital does not keep a copy of this card: if you lose it, ask your doctor for a new one (the old card then stops working).',
        },
      };
    },
    'charts.update': async (req) => {
      const { holder } = session.require();
      return written(await charts.update(holder, req.chartId, req.chart, { baseSeq: req.baseSeq }));
    },
    'charts.revoke': async (req) => {
      const { holder } = session.require();
      return written(await charts.revoke(holder, req.chartId, req.reason));
    },
    'charts.restore': async (req) => {
      const { holder } = session.require();
      return written(await charts.restore(holder, req.chartId));
    },
    'charts.share': async (req) => {
      const { holder } = session.require();
      const d = await doctor(req.signKey);
      return written(await charts.share(holder, req.chartId, { signKey: d.signKey, boxKey: d.boxKey, name: d.name }));
    },
    'charts.unshare': async (req) => {
      const { holder } = session.require();
      const d = await doctor(req.signKey);
      return written(await charts.unshare(holder, req.chartId, d.boxKey));
    },
    'charts.custody': async (req) => {
      const { holder } = session.require();
      const d = await doctor(req.signKey);
      return written(
        await charts.transferCustody(holder, req.chartId, { signKey: d.signKey, boxKey: d.boxKey, name: d.name }),
      );
    },
    'charts.history': async (req) => {
      const { holder } = session.require();
      return { versions: await charts.history(holder, req.chartId) };
    },
    'charts.verify': async (req) => {
      const { holder } = session.require();
      return charts.verify(holder, req.chartId, { seq: req.seq });
    },
    'charts.practitioners': async (req) => {
      const trusted = settings.get().values.trustedPractitionerKeys;
      const { entries, unavailable } = await charts.practitionerDirectory(req.query);
      return { practitioners: entries.map((p) => practitionerOf(p, trusted)), unavailable };
    },
    'charts.recent': async () => {
      const { holder } = session.require();
      return { actions: charts.recentActions(holder) };
    },
    'charts.outbox': async () => ({ items: charts.outbox().map(outboxItemOf) }),
    'charts.discardRejected': async (req) => {
      session.require();
      await charts.discardRejected(req.txId);
      return {};
    },
    'charts.exportFhir': async (req) => {
      const { holder } = session.require();
      const ips = req.ips === true;
      const bundle = await charts.exportFhir(holder, req.chartId, { ips });
      return {
        savedTo: await shell.saveFile(
          `chart-${req.chartId.slice(0, 12)}.${ips ? 'ips' : 'fhir'}.json`,
          JSON.stringify(bundle, null, 2) + '\n',
        ),
      };
    },

    'settings.set': async (req) => settings.setUser(req.patch),
    'settings.testNode': async (req) => {
      // Where IT fixed the node list, the renderer has nothing to configure, so nothing else to probe.
      const view = settings.get();
      if (view.locked.includes('nodeUrls') && !view.values.nodeUrls.some((url) => sameNode(url, req.url))) {
        throw new IpcFailure(
          'URL_NOT_ALLOWED',
          'Node URLs are set by your IT department on this computer; only those can be tested.',
        );
      }
      return status.testNode(req.url);
    },
    'network.check': async () => status.checkNetwork(),

    'app.openExternal': async (req) => {
      if (!isVettedTransactionUrl(req.url, status.linkableNodeUrls())) {
        throw new IpcFailure(
          'URL_NOT_ALLOWED',
          'Only a transaction page on a ledger node set by your IT department (or the embedded node) can be opened in the browser.',
        );
      }
      await shell.openExternal(req.url);
      return {};
    },
  };
}
