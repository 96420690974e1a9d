// Finds anything in a text that looks like credential material rather than a reference to where it comes from.
export interface SecretFinding {
  file: string;
  line: number;
  kind: string;
}

const PATTERNS: [string, RegExp][] = [
  ['PEM block (certificate or private key)', /-----BEGIN [A-Z0-9 ]+-----/],
  ['PKCS#12 / base64 blob', /[A-Za-z0-9+/]{120,}={0,2}/],
  ['Apple app-specific password', /\b[a-z]{4}-[a-z]{4}-[a-z]{4}-[a-z]{4}\b/],
  ['AWS access key id', /\bAKIA[0-9A-Z]{16}\b/],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{30,}\b/],
  ['Azure client secret', /\b[A-Za-z0-9~._-]{3}8Q~[A-Za-z0-9~._-]{31,}\b/],
  // A secret-named key given a literal value. References ($VAR, ${env.X}, $(cmd), ${{ secrets.X }}), <placeholders>
  // and empty values are fine.
  [
    'literal value for a secret-named key',
    /^\s*(?:export\s+|set\s+|\$env:)?["']?[\w.-]*(password|passwd|secret|token|apikey|api_key|privatekey|private_key|cscKeyPassword|certificatePassword|cscLink|certificateFile)["']?\s*[:=]\s*(?!\s*["']?(\$|<))(?!\s*$)(?!\s*(null|~|""|'')\s*$)\S/i,
  ],
];

export function scanForSecrets(file: string, text: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  text.split(/\r?\n/).forEach((lineText, index) => {
    if (/^\s*(#|\/\/|<!--)/.test(lineText)) return; // comments explain which variable to set; they hold no values
    for (const [kind, pattern] of PATTERNS) {
      if (pattern.test(lineText)) findings.push({ file, line: index + 1, kind });
    }
  });
  return findings;
}
