// What a chart version does: the one list the envelope, the outbox, the app's views and the IPC contract all use.
export const CHART_ACTIONS = ['create', 'update', 'share', 'unshare', 'custody', 'revoke', 'restore'] as const;
export type ChartAction = (typeof CHART_ACTIONS)[number];
