// The package ships no types: it is one CommonJS function (Snowball "english", a.k.a. Porter2).
declare module 'wink-porter2-stemmer' {
  const stem: (word: string) => string;
  export default stem;
}
