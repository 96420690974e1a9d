// Public surface of the IPC contract (see README.md in this folder).
export * from './errors';
export * from './channel';
export * from './data';
export * from './network-check';
export * from './hospital';
export * from './it-desk';
export * from './upgrade-v3';
export * from './emergency-review';
export * from './credential-request';
export * from './contract';
export * from './client';
