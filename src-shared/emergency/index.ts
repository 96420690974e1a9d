// Emergency access (break-the-glass, issue #13): pure documents, builders and checks (docs/EMERGENCY.md).
export * from './model';
export { sealNote, openNote } from './note';
export * from './query';
export * from './transactions';
export * from './verify';
export * from './requester';
export * from './followup';
export * from './later';
export * from './v3';
export * from './v3-later';
