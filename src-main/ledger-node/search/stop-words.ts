// MongoDB's English stop words (src/mongo/db/fts/stop_words_english.txt), single-word entries only: MongoDB's
// tokenizer splits at apostrophes, so entries like "don't" never reach the stop-word filter whole.
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both ' +
    'but by cannot could did do does doing down during each few for from further had has have having he her here ' +
    'hers herself him himself his how i if in into is it its itself me more most my myself no nor not of off on once ' +
    'only or ought other our ours ourselves out over own same she should so some such than that the their theirs ' +
    'them themselves then there these they this those through to too under until up very was we were what when where ' +
    'which while who whom why with would you your yours yourself yourselves'
  ).split(' '),
);
