// `window.healthchain` as the renderer sees it (built by the preload, or by the test bridge's injected script).
import type { HealthchainApi } from './client';

declare global {
  interface Window {
    readonly healthchain: HealthchainApi;
  }
}

export {};
