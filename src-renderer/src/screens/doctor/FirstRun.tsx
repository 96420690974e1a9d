// First start on a workstation: the hospital (set up, join, or IT's), a doctor identity (or a backup), the ledger node.
import { CenteredScreen } from '../../components/CenteredScreen';
import * as Tabs from '@radix-ui/react-tabs';
import { useEffect, useState } from 'react';
import type { IdentitySummary } from '../../../../src-shared/ipc';
import { useHospital } from '../../stores/hospital';
import { useSession } from '../../stores/session';
import { HospitalChoice } from './HospitalChoice';
import { IdentityForm } from './IdentityForm';
import { ImportBackupForm } from './ImportBackupForm';
import { NodeChoice } from './NodeChoice';

export function FirstRun() {
  const enter = useSession((s) => s.enter);
  const [identity, setIdentity] = useState<IdentitySummary | null>(null);
  useEffect(() => {
    void useHospital.getState().load();
  }, []);

  return (
    <CenteredScreen>
      <p className="muted">HealthChain — first start on this workstation</p>
      <HospitalChoice />
      {identity === null ? (
        <>
          <h1>Set up your identity</h1>
          <p>
            Your identity signs every change you make to a chart. Its key stays in this computer&apos;s keychain, sealed
            with your password.
          </p>
          <Tabs.Root defaultValue="create">
            <Tabs.List className="tabs-list" aria-label="How to set up">
              <Tabs.Trigger value="create" className="tabs-trigger">
                New identity
              </Tabs.Trigger>
              <Tabs.Trigger value="import" className="tabs-trigger">
                Import a backup
              </Tabs.Trigger>
            </Tabs.List>
            <Tabs.Content value="create">
              <IdentityForm onCreated={setIdentity} />
            </Tabs.Content>
            <Tabs.Content value="import">
              <ImportBackupForm onImported={setIdentity} />
            </Tabs.Content>
          </Tabs.Root>
        </>
      ) : (
        <>
          <h1>Choose the ledger node</h1>
          <p>
            Signed in as <strong>{identity.name}</strong>. Charts are kept on a BigchainDB ledger: use the node built
            into this app, or your hospital&apos;s network.
          </p>
          <NodeChoice doneLabel="Start using HealthChain" onDone={() => enter(identity)} />
        </>
      )}
    </CenteredScreen>
  );
}
