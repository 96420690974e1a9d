// Public API of the hospital authority (docs/AUTHORITY.md): ledger documents, the quorum's transactions, signing by
// several officers, verification of what a node returns, the credential registry view and the split recovery key.
export * from './model';
export * from './transactions';
export * from './partial-signing';
export * from './verify';
export * from './registry';
export * from './recovery';
export * from './custody';
export * from './chart-authors';
export * from './bad-heights';
export * from './officer-names';
