import stem from 'wink-porter2-stemmer';
import { describe, expect, it } from 'vitest';
import { ENGLISH_STOP_WORDS } from './stop-words';
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

  it('splits plain ASCII text exactly as the general Unicode path does', () => {
    // A trailing non-ASCII delimiter (U+2014) sends the same text through the Unicode path.
    const samples = [
      'A-b_c.d/e+f=g:h;i,j!k?l"m\'n(o)p[q]r{s}t<u>v@w#x$y%z^0&1*2~3`4|5\\6',
      'Tab\there\nnew\u0000line\u007f',
      ' lead',
      '',
    ];
    for (const text of samples) {
      for (const analyzer of ['english', 'raw'] as const)
        expect(termsOf(text, analyzer)).toEqual(termsOf(`${text}\u2014`, analyzer));
    }
  });

  it('stems every plain word as the stemmer does, including the words it leaves alone', () => {
    const words: string[] = [];
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    for (const a of letters)
      for (const b of 'aeiouy')
        for (const c of letters) words.push(`${a}${b}${c}`, `${c}${b}${a}${b}`, `st${a}${b}${c}`);
    words.push(
      'generously',
      'caresses',
      'ponies',
      'sky',
      'skies',
      'news',
      'dying',
      'hopping',
      'b',
      'by',
      'yo',
      'ayo',
      'yyyyy',
    );
    for (const word of words)
      if (!ENGLISH_STOP_WORDS.has(word)) expect(termsOf(word, 'english'), word).toEqual([stem(word)]);
  });

  it('indexes every string at any depth, honouring a language override', () => {
    const terms = indexDocument({
      id: 'abc',
      data: { list: ['Running'], nested: { language: 'none', text: 'running' }, n: 5 },
    });
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
