// The patient kiosk: read-only channels only. The handler map's type (HandlerMap<'kiosk'>) cannot name a write
// channel, and the registry refuses one at start.
import { IpcFailure } from '../../../src-shared/ipc';
import type { HandlerMap } from '../registry';
import { commonHandlers } from './common';
import type { KioskContext } from './context';

export function kioskHandlers(ctx: KioskContext): HandlerMap<'kiosk'> {
  const { charts, settings, patient, status } = ctx;
  return {
    ...commonHandlers(settings, status),

    'patient.openCard': async (req) => {
      // The service answers the card's own chart only (never one chosen by a date its author wrote).
      const { holder, charts: found, problem } = await charts.openPatientSession(req.code, req.pin);
      const chart = found[0];
      if (!chart) {
        (holder as { lock?(): void }).lock?.();
        if (problem) throw new IpcFailure('CHART_NOT_FOUND', problem);
        throw new IpcFailure('WRONG_PIN', 'No record matches this card and PIN. Check the PIN and try again.');
      }
      patient.set({ holder, chartId: chart.chartId, patientName: chart.patientName });
      status.activity();
      return {
        patientName: chart.patientName,
        chartId: chart.chartId,
        idleSeconds: settings.get().values.kioskIdleSeconds,
      };
    },
    'patient.getChart': async () => {
      const { holder, chartId } = patient.require();
      status.activity();
      return charts.get(holder, chartId);
    },
    'charts.access': async (req) => {
      // The patient sees the access history of the card's own chart, and of no other.
      const { holder, chartId } = patient.require();
      if (req.chartId !== chartId)
        throw new IpcFailure('NOT_PERMITTED', 'Only the record of the card you signed in with can be shown here.');
      status.activity();
      return charts.emergency.access(holder, chartId);
    },
    'patient.signOut': async () => {
      const boxKey = patient.end();
      if (boxKey) charts.forget(boxKey);
      ctx.onSignedOut('signed-out');
      return {};
    },
  };
}
