// Issue #14 (High): a web page on another origin, in a real Chromium on the same machine, tries to use the embedded
// ledger node the app runs (the bridge's node, which runs as the app's does: per-launch token, no CORS): a blind
// text/plain fetch POST, a JSON fetch POST, a read, a text/plain form crafted so its body is a valid transaction,
// a urlencoded form, and the WebSocket stream. Every attempt must fail, and the node must hold none of the
// transactions afterwards — while the same transactions, posted with the app's token, are accepted (so their
// absence is the node refusing them, not their being invalid).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { makeKey } from '../integration/ledger-node/support/keys';
import { createTx, type SignedTx } from '../integration/ledger-node/support/transactions';
import { ledgerNode } from './bridge-env';

let attacker: http.Server;
let attackerUrl = '';

test.beforeAll(async () => {
  // The other origin: a tiny server on its own port, serving the page the attacks run from.
  attacker = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>another site</title><iframe name="sink" id="sink"></iframe>');
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => attacker.close(() => resolve()));
});

/** A valid CREATE whose metadata holds one '=' — where a text/plain form joins its field's name and value. */
function formableTx(label: string): SignedTx {
  return createTx(makeKey(), { attack: label }, { note: 'k=v' });
}

test('a page on another origin can neither write to, read from, nor stream from the embedded node', async ({
  page,
}) => {
  const { nodeUrl, token } = await ledgerNode();
  const status = async (id: string) =>
    (await fetch(`${nodeUrl}/api/v1/transactions/${id}`, { headers: { Authorization: `Bearer ${token}` } })).status;
  const txs = {
    blind: formableTx('blind'),
    json: formableTx('json'),
    textForm: formableTx('text-form'),
    urlForm: formableTx('url-form'),
  };
  for (const tx of Object.values(txs)) expect(await status(tx.id)).toBe(404);

  // Something the node has, for the read attempt.
  const known = formableTx('known');
  const seed = await fetch(`${nodeUrl}/api/v1/transactions?mode=commit`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(known),
  });
  expect(seed.status).toBe(202);

  await page.goto(attackerUrl);
  expect(new URL(page.url()).origin).not.toBe(new URL(nodeUrl).origin);
  const post = `${nodeUrl}/api/v1/transactions?mode=commit`;

  // 1. fetch: a blind "simple" POST (no preflight), a JSON POST (preflighted), and a read.
  const fetched = await page.evaluate(
    async ({ post, blind, json, read }) => {
      const attempt = async (run: () => Promise<Response>) => {
        try {
          const res = await run();
          return res.type === 'opaque' ? 'opaque' : `${res.status} ${await res.text()}`;
        } catch (error) {
          return `refused: ${String(error)}`;
        }
      };
      return {
        blind: await attempt(() =>
          fetch(post, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: blind }),
        ),
        json: await attempt(() =>
          fetch(post, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: json }),
        ),
        read: await attempt(() => fetch(read)),
      };
    },
    {
      post,
      blind: JSON.stringify(txs.blind),
      json: JSON.stringify(txs.json),
      read: `${nodeUrl}/api/v1/transactions/${known.id}`,
    },
  );
  expect(fetched.blind).toBe('opaque'); // what a page gets back either way; the node's store says what happened
  // Soft: each attempt is reported on its own if it ever gets through.
  expect.soft(fetched.json).toMatch(/^refused: TypeError/);
  expect.soft(fetched.read).toMatch(/^refused: TypeError/);

  // 2. Forms, submitted into the iframe: text/plain (its body "name=value" is the transaction's JSON) and urlencoded.
  const submitForm = async (enctype: string, name: string, value: string) => {
    await page.evaluate(
      ({ post, enctype, name, value }) =>
        new Promise<void>((resolve) => {
          const sink = document.getElementById('sink') as HTMLIFrameElement;
          sink.addEventListener('load', () => resolve(), { once: true });
          const form = document.createElement('form');
          form.method = 'POST';
          form.action = post;
          form.enctype = enctype;
          form.target = 'sink';
          const input = document.createElement('input');
          input.type = 'hidden';
          input.name = name;
          input.value = value;
          form.append(input);
          document.body.append(form);
          form.submit();
        }),
      { post, enctype, name, value },
    );
  };
  const textBody = JSON.stringify(txs.textForm);
  const split = textBody.indexOf('k=v') + 1;
  await submitForm('text/plain', textBody.slice(0, split), textBody.slice(split + 1));
  await submitForm('application/x-www-form-urlencoded', 'tx', JSON.stringify(txs.urlForm));

  // 3. The WebSocket stream.
  const socket = await page.evaluate(
    (url) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => {
          resolve('open');
          ws.close();
        };
        ws.onerror = () => resolve('refused');
      }),
    `${nodeUrl.replace(/^http/, 'ws')}/api/v1/streams/valid_transactions`,
  );
  expect.soft(socket).toBe('refused');

  // Nothing the page sent was written …
  for (const [label, tx] of Object.entries(txs)) expect.soft([label, await status(tx.id)]).toEqual([label, 404]);
  // … and every one of those transactions is valid: with the app's token, the node takes them.
  for (const [label, tx] of Object.entries(txs)) {
    const res = await fetch(post, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(tx),
    });
    expect.soft([label, res.status]).toEqual([label, 202]);
  }
});
