// MongoDB `$text` semantics as BigchainDB uses them (docs/PROTOCOL.md §6): a wildcard text index over every string
// value at any depth, queried in English, case- and diacritic-insensitive; plain terms are ORed, "quoted phrases" are
// required, -terms exclude. The node keeps an inverted index of the terms this module produces, written in the same
// lmdb transaction as the transaction itself.
import stem from 'wink-porter2-stemmer';
import { ENGLISH_STOP_WORDS } from './stop-words';

// MongoDB's delimiters: white space, dashes, quotation marks, terminal punctuation and the other ASCII syntax
// characters. `_` is not one of them, so snake_case words stay whole, as in MongoDB.
const DELIMITERS = /[\p{White_Space}\p{Pattern_Syntax}\p{Dash}\p{Quotation_Mark}\p{Terminal_Punctuation}]+/u;
const COMBINING_MARKS = /\p{M}+/gu;

/** How a (sub)document is tokenised: English stems and stop words, or raw terms (`"language": "none"`). */
export type Analyzer = 'english' | 'raw';

const ENGLISH_NAMES = new Set(['english', 'en']);

/** Lower-cases and strips diacritics, as `$caseSensitive: false, $diacriticSensitive: false` do. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase();
}

// Only plain words are stemmed: the stemmer's regular expressions backtrack badly on long tokens, and tokens with
// digits (ids, keys, codes) are not English words. The same rule applies at index and at query time.
const STEMMABLE = /^\p{L}{1,40}$/u;
const STEM_CACHE_SIZE = 20_000;
const stemCache = new Map<string, string>();

function stemWord(word: string): string {
  return STEMMABLE.test(word) ? stemLetters(word) : word;
}

// Every rule of the stemmer rewrites a suffix, and each of its suffixes ends in one of these letters (its first
// step turns some y into a placeholder and its last step turns them back, which cancels out for plain letters).
// A word ending otherwise, or shorter than 3 letters, is its own stem; the unit test checks this against it.
const STEMMER_SUFFIX_ENDS = new Set('cdegilmnrsty');

/** Stems a word already known to be stemmable (letters only, at most 40 of them). */
function stemLetters(word: string): string {
  if (word.length < 3 || !STEMMER_SUFFIX_ENDS.has(word[word.length - 1] as string)) return word;
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    stemmed = stem(word);
    if (stemCache.size >= STEM_CACHE_SIZE) stemCache.clear();
    stemCache.set(word, stemmed);
  }
  return stemmed;
}

const NON_ASCII = /[^\p{ASCII}]/u;
// DELIMITERS restricted to ASCII, as a table: the fast path below must split exactly where the regex splits.
const ASCII_DELIMITER = Uint8Array.from({ length: 128 }, (_, code) =>
  DELIMITERS.test(String.fromCharCode(code)) ? 1 : 0,
);
const MAX_STEMMED_LENGTH = 40;

function addTerm(terms: string[], word: string, analyzer: Analyzer, lettersOnly: boolean): void {
  if (analyzer === 'raw') terms.push(word);
  else if (!ENGLISH_STOP_WORDS.has(word))
    terms.push(lettersOnly && word.length <= MAX_STEMMED_LENGTH ? stemLetters(word) : word);
}

// The same terms as the general path for pure-ASCII text, without its Unicode regular expressions: for ASCII,
// folding is lower-casing and \p{L} is a-z, so one scan splits, and tells which words are stemmable.
function asciiTermsOf(text: string, analyzer: Analyzer): string[] {
  const terms: string[] = [];
  const lower = text.toLowerCase();
  let start = -1;
  let lettersOnly = true;
  for (let i = 0; i < lower.length; i++) {
    const code = lower.charCodeAt(i);
    if (ASCII_DELIMITER[code] === 1) {
      if (start >= 0) addTerm(terms, lower.slice(start, i), analyzer, lettersOnly);
      start = -1;
    } else {
      if (start < 0) {
        start = i;
        lettersOnly = true;
      }
      if (code < 0x61 || code > 0x7a) lettersOnly = false;
    }
  }
  if (start >= 0) addTerm(terms, lower.slice(start), analyzer, lettersOnly);
  return terms;
}

export function termsOf(text: string, analyzer: Analyzer): string[] {
  if (!NON_ASCII.test(text)) return asciiTermsOf(text, analyzer);
  const terms: string[] = [];
  for (const word of foldText(text).split(DELIMITERS)) {
    if (!word) continue;
    if (analyzer === 'raw') terms.push(word);
    else if (!ENGLISH_STOP_WORDS.has(word)) terms.push(stemWord(word));
  }
  return terms;
}

// A `language` field switches the analyzer for its (sub)document. Only English has a stemmer here; the other
// MongoDB languages are indexed as raw terms (no stemming, no stop words) — a documented approximation.
function analyzerFor(node: Record<string, unknown>, inherited: Analyzer): Analyzer {
  const language = node.language;
  if (typeof language !== 'string') return inherited;
  return ENGLISH_NAMES.has(language) ? 'english' : 'raw';
}

function forEachString(value: unknown, analyzer: Analyzer, visit: (text: string, analyzer: Analyzer) => void): void {
  if (typeof value === 'string') visit(value, analyzer);
  else if (Array.isArray(value)) for (const item of value) forEachString(item, analyzer, visit);
  else if (value !== null && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    const own = analyzerFor(node, analyzer);
    for (const key of Object.keys(node)) forEachString(node[key], own, visit);
  }
}

/**
 * The terms of a search document with their weights. Like MongoDB, a term weighs more when it is frequent in a
 * short string; the exact MongoDB figures are not reproduced, only the ordering idea.
 */
export function indexDocument(doc: unknown): Map<string, number> {
  const weights = new Map<string, number>();
  const counts = new Map<string, number>();
  forEachString(doc, 'english', (text, analyzer) => {
    const terms = termsOf(text, analyzer);
    if (terms.length === 0) return;
    if (terms.length === 1) {
      // count 1 of 1: the score below is exactly 1.
      const term = terms[0] as string;
      weights.set(term, (weights.get(term) ?? 0) + 1);
      return;
    }
    counts.clear();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, count] of counts) {
      const score = count * (0.5 * (count / terms.length) + 0.5);
      weights.set(term, (weights.get(term) ?? 0) + score);
    }
  });
  return weights;
}

/** Does any string value of the document contain the phrase (folded, as a substring)? */
export function containsPhrase(doc: unknown, foldedPhrase: string): boolean {
  let found = false;
  forEachString(doc, 'english', (text) => {
    if (!found && foldText(text).includes(foldedPhrase)) found = true;
  });
  return found;
}

export interface TextQuery {
  /** Terms looked up in the index (ORed), phrase words included, as MongoDB does. */
  readonly terms: readonly string[];
  /** Documents holding any of these terms are excluded. */
  readonly negated: readonly string[];
  /** Folded phrases that must all appear in a matching document. */
  readonly phrases: readonly string[];
}

/** Parses a MongoDB `$search` string; the query side is always analysed as English, like the reference's. */
export function parseTextQuery(search: string): TextQuery {
  const terms = new Set<string>();
  const negated = new Set<string>();
  const phrases: string[] = [];
  const parts = search.split('"');
  parts.forEach((part, index) => {
    // Odd parts are inside quotes; an unterminated quote runs to the end of the string, as in MongoDB.
    if (index % 2 === 1) {
      const phrase = foldText(part).trim();
      if (phrase) phrases.push(phrase);
      for (const term of termsOf(part, 'english')) terms.add(term);
      return;
    }
    for (const chunk of part.split(/\p{White_Space}+/u)) {
      if (!chunk) continue;
      const isNegated = chunk.startsWith('-') && chunk.length > 1;
      for (const term of termsOf(isNegated ? chunk.slice(1) : chunk, 'english')) {
        (isNegated ? negated : terms).add(term);
      }
    }
  });
  return { terms: [...terms], negated: [...negated], phrases };
}
