// A filled-in chart used by tests, benchmarks and the CLI's demo data. Fictional patient.
import type { Chart } from './chart';

export function sampleChart(name = 'Amelia Quartermaine'): Chart {
  return {
    patient: { name, birthDate: '1984-03-09', age: null, gender: 'female', visitDate: '2026-11-20' },
    doctors: [
      { id: 'd1', name: 'Dr. Lena Okafor', specialty: 'General practice', signKey: '', role: 'current', status: 'active' },
      { id: 'd2', name: 'Dr. Tomasz Wierzbicki', specialty: 'Cardiology', signKey: '', role: 'treated', status: 'active' },
    ],
    illnesses: [
      { id: 'i1', condition: 'Type 2 diabetes mellitus', symptoms: 'Thirst, fatigue', onset: '2019-06-01', status: 'active' },
      { id: 'i2', condition: 'Community-acquired pneumonia', symptoms: 'Fever, productive cough', onset: '2025-01-12', status: 'resolved' },
    ],
    medications: [
      {
        id: 'm1', name: 'Metformin', dose: '500 mg', route: 'oral', frequency: 'twice daily', start: '2019-06-15', end: '',
        status: 'active', prescribedBy: 'Dr. Lena Okafor',
      },
    ],
    visits: [
      { id: 'v1', date: '2026-11-20', reason: 'Diabetes review', notes: 'HbA1c 6.9 %. Continue metformin.', doctor: 'Dr. Lena Okafor', status: 'completed' },
    ],
  };
}
