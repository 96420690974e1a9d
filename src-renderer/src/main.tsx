// Renderer entry: mounts the app. Styles are plain CSS files bundled by Vite (no runtime style injection: strict CSP).
// First: zod must never try `new Function` (the CSP forbids eval) — the contract's eval-free parser setting.
import '../../src-shared/ipc/zod-csp';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles/base.css';
import './styles/controls.css';
import './styles/layout.css';
import './styles/screens.css';
import './styles/print.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
