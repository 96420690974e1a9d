// The workstation's hospital channels (hospital.*, credentials.*): the first-run choices (set up this hospital, join
// one) pinned through SettingsService.pinAuthority — refused where IT pinned one — and IT's credential acts through
// the HospitalDesk, as are the quorum's custody acts (recover, off-board, re-key). Officer passwords go to the
// keychain unlock of one act and nowhere else; no key is ever answered.
import { IpcFailure, type HospitalStatus } from '../../../src-shared/ipc';
import type { VerifiedAuthority } from '../../../src-shared/authority';
import { NodeUnreachableError } from '../../ledger/errors';
import type { HospitalDesk } from '../../authority/hospital-desk';
import type { SettingsService } from '../../settings';
import type { Handler } from '../registry';
import type { DoctorSession, ShellPort, StatusPort } from './context';
import { parsePartial } from '../../../src-shared/authority';

type HospitalChannels =
  | 'hospital.status'
  | 'hospital.setUp'
  | 'hospital.join'
  | 'hospital.signPartial'
  | 'hospital.exportPartial'
  | 'hospital.startCeremony'
  | 'hospital.heldCharts'
  | 'hospital.recover'
  | 'hospital.offboard'
  | 'hospital.rekey'
  | 'credentials.list'
  | 'credentials.issue'
  | 'credentials.renew'
  | 'credentials.revoke';

export interface HospitalContext {
  hospital: HospitalDesk;
  settings: SettingsService;
  session: DoctorSession;
  status: StatusPort;
  shell: ShellPort;
}

export function hospitalHandlers(ctx: HospitalContext): { [C in HospitalChannels]: Handler<C> } {
  const { hospital, settings, session, status, shell } = ctx;

  const authorityView = async (authority: VerifiedAuthority) => {
    const here = await hospital.officersHere(authority);
    return {
      id: authority.id,
      name: authority.data.name,
      threshold: authority.data.threshold,
      officers: authority.data.officers.map((o) => ({
        name: o.name,
        signKey: o.signKey,
        onThisMachine: here.has(o.signKey),
      })),
    };
  };

  const hospitalStatus = async (): Promise<HospitalStatus> => {
    const authorityId = settings.get().values.hospitalAuthority || null;
    const base = {
      authorityId,
      pinnedBy: settings.authorityPinnedBy(),
      locked: settings.get().locked.includes('hospitalAuthority'),
      embedded: status.status().node.embedded,
      doctor: null,
    };
    let state;
    try {
      state = await hospital.state();
    } catch (error) {
      if (!(error instanceof NodeUnreachableError)) throw error;
      return { ...base, state: 'unreachable', authority: null, reason: error.message };
    }
    if (state.kind === 'none') return { ...base, state: 'none', authority: null, reason: null };
    if (state.kind === 'unverified') return { ...base, state: 'unverified', authority: null, reason: state.reason };
    const signKey = session.active?.holder.signKey;
    const mine = signKey ? state.registry.currentStatus(signKey, new Date()) : null;
    return {
      ...base,
      state: 'verified',
      authority: await authorityView(state.authority),
      reason: null,
      doctor: signKey && mine ? { signKey, status: mine.status, credentialId: mine.credentialId ?? null } : null,
    };
  };

  /** Set up and join pin in the user file only; IT's pin (or IT's "none") stays, and says so before anything is made. */
  const mayPin = () => {
    if (settings.get().locked.includes('hospitalAuthority'))
      throw new IpcFailure(
        'SETTING_LOCKED',
        'The hospital authority of this computer is set by your IT department and cannot be changed here.',
      );
    const current = settings.get().values.hospitalAuthority;
    if (current)
      throw new IpcFailure(
        'INVALID_REQUEST',
        `This computer already belongs to the hospital authority ${current}; it is not replaced from here.`,
      );
  };

  return {
    'hospital.status': hospitalStatus,
    'hospital.setUp': async (req) => {
      mayPin();
      const { authorityId } = await hospital.setUp(req);
      await settings.pinAuthority(authorityId);
      hospital.trust.invalidate();
      return hospitalStatus();
    },
    'hospital.join': async (req) => {
      mayPin();
      try {
        await hospital.verify(req.authorityId);
      } catch (error) {
        if ((error as Error).name !== 'AuthorityUnverified') throw error;
        throw new IpcFailure('INVALID_REQUEST', (error as Error).message, {
          authorityId: 'not a hospital authority this ledger can verify',
        });
      }
      await settings.pinAuthority(req.authorityId);
      hospital.trust.invalidate();
      return hospitalStatus();
    },
    'hospital.signPartial': async (req) => hospital.signPartial(req),
    'hospital.exportPartial': async (req) => {
      // Only a well-formed partial file is written: the dialog never saves arbitrary renderer text under this name.
      const partial = parsePartial(req.partial);
      const kind = partial.unsigned.operation === 'CREATE' ? 'create' : 'act';
      const name = `hospital-${kind}-${new Date().toISOString().slice(0, 10)}.partial.json`;
      return { savedTo: await shell.saveFile(name, JSON.stringify(partial, null, 2) + '\n') };
    },
    'hospital.startCeremony': async (req) => {
      mayPin();
      return hospital.startCeremony(req);
    },
    'hospital.heldCharts': async (req) => hospital.heldCharts(req.practitioner),
    'hospital.recover': async (req) => hospital.recover(req),
    'hospital.offboard': async (req) => hospital.offboard(req),
    'hospital.rekey': async (req) => hospital.rekey(req),

    'credentials.list': async () => {
      const { authority, registry } = await hospital.pinned();
      return {
        authority: await authorityView(authority),
        credentials: registry.practitioners(new Date()),
        problems: registry.problems.map((p) => ({ id: p.id, reason: p.reason })),
      };
    },
    'credentials.issue': async (req) => hospital.issue(req),
    'credentials.renew': async (req) => hospital.renew(req),
    'credentials.revoke': async (req) => hospital.revoke(req),
  };
}
