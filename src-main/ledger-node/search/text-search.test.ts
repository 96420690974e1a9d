import { describe, expect, it } from 'vitest';
import { containsPhrase, foldText, indexDocument, parseTextQuery, termsOf } from './text-search';

describe('text search analysis', () => {
  it('splits at MongoDB delimiters, folds case and diacritics, drops stop words and stems English', () => {
    expect(termsOf('The Running-dogs, CAFÉ; naïve!', 'english')).toEqual(['run', 'dog', 'cafe', 'naiv']);
    expect(termsOf('snake_case stays', 'english')).toEqual(['snake_case', 'stay']);
    expect(termsOf('0.7134', 'english')).toEqual(['0', '7134']);
    expect(termsOf('The running', 'raw')).toEqual(['the', 'running']);
  });

  it('keeps tokens with digits and very long tokens unstemmed, identically at index and query time', () => {
    const key = '9hSR6S7WPtxmTojgo6GG3k4yDPecgJY292j7xrsUGWBus';
    expect(termsOf(key, 'english')).toEqual([key.toLowerCase()]);
    const long = 'x'.repeat(500);
    expect(termsOf(long, 'english')).toEqual([long]);
  });

  it('indexes every string at any depth, honouring a language override', () => {
    const terms = indexDocument({ id: 'abc', data: { list: ['Running'], nested: { language: 'none', text: 'running' }, n: 5 } });
    expect([...terms.keys()].sort()).toEqual(['abc', 'none', 'run', 'running']);
  });

  it('parses ORed terms, quoted phrases and negations', () => {
    expect(parseTextQuery('coffee -tea "Hot Drinks" cake')).toEqual({
      terms: ['coffe', 'hot', 'drink', 'cake'],
      negated: ['tea'],
      phrases: ['hot drinks'],
    });
    expect(containsPhrase({ a: ['Very HOT drinks here'] }, 'hot drinks')).toBe(true);
    expect(containsPhrase({ a: 'hot, drinks' }, 'hot drinks')).toBe(false);
    expect(foldText('Ça')).toBe('ca');
  });
});
