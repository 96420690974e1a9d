// Which doctor screen is showing. Kept in memory only: no URL routing, since the app never navigates.
import { create } from 'zustand';

export type Route =
  | { name: 'patients' }
  | { name: 'new-patient' }
  | { name: 'chart'; chartId: string }
  | { name: 'emergency' }
  | { name: 'activity' }
  | { name: 'hospital' }
  | { name: 'settings' };

interface NavigationState {
  route: Route;
  go(route: Route): void;
}

export const useNavigation = create<NavigationState>()((set) => ({
  route: { name: 'patients' },
  go: (route) => set({ route }),
}));
