export * from './chart';
export * from './dates';
export * from './diff';
export * from './empty';
export * from './sections';
export * from './validate';
export * from './payload';
export * from './fhir';
