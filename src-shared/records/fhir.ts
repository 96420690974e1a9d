// FHIR R4 mapping of a chart: export (collection Bundle, or an IPS-shaped document) and import with a per-field
// report of what was not kept.
export * from './fhir-export';
export * from './fhir-import';
