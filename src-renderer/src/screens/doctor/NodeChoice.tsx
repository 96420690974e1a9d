// Choosing the ledger node: the embedded node on this computer, or the hospital's node URLs (one per line), with a
// connection test. A node list fixed by IT is shown locked and cannot be changed here.
import { useEffect, useState } from 'react';
import type { NodeTestResult, SettingsView } from '../../../../src-shared/ipc';
import { api } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { LockedNotice } from '../../components/LockedNotice';
import { call, type UiError } from '../../errors';
import { useSettings } from '../../stores/settings';
import { useStatus } from '../../stores/status';

type TestRow = NodeTestResult & { problem: string | null };

interface NodeChoiceProps {
  onDone: () => void;
  doneLabel: string;
}

export function NodeChoice(props: NodeChoiceProps) {
  const { view, error, load } = useSettings();
  useEffect(() => {
    void load();
  }, [load]);
  if (!view) return error ? <ErrorMessage error={error} /> : <Loading label="Loading settings…" />;
  return <NodeChoiceForm {...props} view={view} />;
}

function NodeChoiceForm({ onDone, doneLabel, view }: NodeChoiceProps & { view: SettingsView }) {
  const save = useSettings((s) => s.save);
  const [mode, setMode] = useState<'embedded' | 'urls'>(view.values.nodeUrls.length > 0 ? 'urls' : 'embedded');
  const [urlsText, setUrlsText] = useState(view.values.nodeUrls.join('\n'));
  const [results, setResults] = useState<TestRow[] | null>(null);
  const [testing, setTesting] = useState(false);
  const [error, setError] = useState<UiError | null>(null);

  const locked = view.locked.includes('nodeUrls');
  const urls = urlsText
    .split(/\s+/)
    .map((u) => u.trim())
    .filter(Boolean);

  async function test() {
    setTesting(true);
    setError(null);
    if (mode === 'embedded') {
      await useStatus.getState().load();
      const node = useStatus.getState().app?.node;
      setResults(node ? [{ url: node.url ?? 'embedded node', reachable: node.reachable, problem: node.error }] : null);
    } else {
      const out: TestRow[] = [];
      for (const url of urls) {
        const result = await call(() => api().settings.testNode({ url }));
        // main answers only reachable / not; a refusal (e.g. an http URL to another computer) says why.
        if (result.ok) out.push({ ...result.value, problem: null });
        else out.push({ url, reachable: false, problem: result.error.message });
      }
      setResults(out);
    }
    setTesting(false);
  }

  async function finish() {
    setError(null);
    if (!locked) {
      if (mode === 'urls' && urls.length === 0)
        return setError({ code: 'INVALID_REQUEST', message: 'Enter at least one node URL' });
      const failure = await save({ nodeUrls: mode === 'embedded' ? [] : urls });
      if (failure) return setError(failure);
      await useStatus.getState().load();
    }
    onDone();
  }

  return (
    <div>
      {locked ? (
        <div className="field">
          <span className="label">Ledger nodes</span>
          <ul aria-describedby="node-urls-locked">
            {view.values.nodeUrls.map((u) => (
              <li key={u} className="mono">
                {u}
              </li>
            ))}
          </ul>
          <LockedNotice id="node-urls-locked" />
        </div>
      ) : (
        <fieldset>
          <legend>Ledger node</legend>
          <label className="radio">
            <input type="radio" name="node-mode" checked={mode === 'embedded'} onChange={() => setMode('embedded')} />{' '}
            Use the embedded node on this computer
          </label>
          <label className="radio">
            <input type="radio" name="node-mode" checked={mode === 'urls'} onChange={() => setMode('urls')} /> Use the
            hospital&apos;s node URLs
          </label>
          {mode === 'urls' && (
            <div className="field">
              <label htmlFor="node-urls">Node URLs (one per line)</label>
              <textarea
                id="node-urls"
                className="mono"
                value={urlsText}
                placeholder="https://ledger-1.hospital.example:9984"
                onChange={(e) => setUrlsText(e.target.value)}
              />
            </div>
          )}
        </fieldset>
      )}
      {results && (
        <ul className="test-results" aria-label="Connection test results">
          {results.map((r) => (
            <li key={r.url}>
              <span className={`badge ${r.reachable ? 'badge-ok' : 'badge-danger'}`}>
                {r.reachable ? 'Reachable' : 'Unreachable'}
              </span>{' '}
              <span className="mono">{r.url}</span>
              {r.problem ? ` — ${r.problem}` : ''}
            </li>
          ))}
        </ul>
      )}
      <ErrorMessage error={error} />
      <div className="btn-row">
        <button
          type="button"
          className="btn"
          onClick={test}
          disabled={testing || (mode === 'urls' && urls.length === 0 && !locked)}
        >
          {testing ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" className="btn btn-primary" onClick={finish}>
          {doneLabel}
        </button>
      </div>
    </div>
  );
}
