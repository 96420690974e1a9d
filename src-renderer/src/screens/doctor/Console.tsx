// The signed-in doctor's frame: header with identity and lock/sign-out, navigation, the current screen, status bar.
import {
  Activity,
  Building2,
  FilePlus2,
  Lock,
  LogOut,
  Settings as SettingsIcon,
  ShieldCheck,
  Users,
} from 'lucide-react';
import { useEffect, type ReactNode } from 'react';
import { api } from '../../api';
import { StatusBar } from '../../components/StatusBar';
import { useActivityReporter } from '../../hooks/useActivityReporter';
import { useActivity } from '../../stores/activity';
import { useCharts } from '../../stores/charts';
import { useHospital } from '../../stores/hospital';
import { useNavigation, type Route } from '../../stores/navigation';
import { useSession } from '../../stores/session';
import { ChartScreen } from './ChartScreen';
import { CredentialNotice } from './CredentialNotice';
import { EmergencyAccessScreen } from './EmergencyAccessScreen';
import { HospitalScreen } from './HospitalScreen';
import { NewPatient } from './NewPatient';
import { PatientList } from './PatientList';
import { RecentActions } from './RecentActions';
import { SettingsScreen } from './SettingsScreen';

const NAV: { route: Route; label: string; icon: ReactNode }[] = [
  { route: { name: 'patients' }, label: 'Patients', icon: <Users aria-hidden="true" size={18} /> },
  { route: { name: 'new-patient' }, label: 'Add patient', icon: <FilePlus2 aria-hidden="true" size={18} /> },
  { route: { name: 'activity' }, label: 'Recent actions', icon: <Activity aria-hidden="true" size={18} /> },
  { route: { name: 'hospital' }, label: 'Hospital', icon: <Building2 aria-hidden="true" size={18} /> },
  { route: { name: 'settings' }, label: 'Settings', icon: <SettingsIcon aria-hidden="true" size={18} /> },
];

export function Console() {
  const identity = useSession((s) => s.identity);
  const lock = useSession((s) => s.lock);
  const signOut = useSession((s) => s.signOut);
  const { route, go } = useNavigation();
  useActivityReporter();

  // Recent actions stay live for the whole session; the list of charts loads once per sign-in.
  useEffect(() => {
    void useActivity.getState().load();
    void useCharts.getState().loadList();
    void useHospital.getState().load();
    const offActivity = useActivity.getState().subscribe();
    const offSettle = api().on.recentActions(({ actions }) => void useCharts.getState().settlePending(actions));
    return () => {
      offActivity();
      offSettle();
    };
  }, []);

  return (
    <div className="app-frame">
      <header className="app-header">
        <span className="brand">
          <ShieldCheck aria-hidden="true" size={22} /> HealthChain
        </span>
        <span className="spacer" />
        {identity && (
          <span aria-label="Signed in as">
            {identity.name} <span className="header-muted">· {identity.specialty}</span>
          </span>
        )}
        <button type="button" className="btn" onClick={() => void lock()}>
          <Lock aria-hidden="true" size={16} /> Lock
        </button>
        <button type="button" className="btn" onClick={() => void signOut()}>
          <LogOut aria-hidden="true" size={16} /> Sign out
        </button>
      </header>
      <div className="app-body">
        <nav className="app-nav" aria-label="Main">
          {NAV.map((item) => (
            <button
              key={item.route.name}
              type="button"
              aria-current={
                route.name === item.route.name ||
                (item.route.name === 'patients' && (route.name === 'chart' || route.name === 'emergency'))
                  ? 'page'
                  : undefined
              }
              onClick={() => go(item.route)}
            >
              {item.icon} {item.label}
            </button>
          ))}
        </nav>
        <main className="app-main" id="main">
          {route.name !== 'hospital' && <CredentialNotice />}
          {route.name === 'patients' && <PatientList />}
          {route.name === 'new-patient' && <NewPatient />}
          {route.name === 'chart' && <ChartScreen key={route.chartId} chartId={route.chartId} />}
          {route.name === 'emergency' && <EmergencyAccessScreen />}
          {route.name === 'activity' && <RecentActions />}
          {route.name === 'hospital' && <HospitalScreen />}
          {route.name === 'settings' && <SettingsScreen />}
        </main>
      </div>
      <StatusBar />
    </div>
  );
}
