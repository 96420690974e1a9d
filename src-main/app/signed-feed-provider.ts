// electron-updater's generic provider, with one change: the channel file (latest*.yml) it reads is accepted only
// with a valid detached signature (update-feed.ts). GenericProvider reads the feed through httpRequest() and nothing
// else (installers and blockmaps go through the download path, checked against the SHA-512 in the now-verified
// yml), so verifying there covers every byte the updater trusts. Installed through electron-updater's documented
// "custom" provider hook (setFeedURL), so the rest of the updater is unchanged.
import type { KeyObject } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import type { CancellationToken } from 'builder-util-runtime';
import type { AppUpdater } from 'electron-updater';
import { GenericProvider } from 'electron-updater/out/providers/GenericProvider.js';
import type { ProviderRuntimeOptions } from 'electron-updater/out/providers/Provider.js';
import { FEED_SIGNATURE_SUFFIX, verifyFeed } from './update-feed';

/** What app-update.yml says (provider generic) plus what the signature check needs. */
export interface SignedFeedOptions {
  provider: 'custom';
  updateProvider: typeof SignedFeedProvider;
  url: string;
  channel?: string | null;
  useMultipleRangeRequest?: boolean;
  /** The Ed25519 key pinned into this build. */
  feedKey: KeyObject;
  /** This product's appId: a feed signed for the other product is refused. */
  appId: string;
}

export class SignedFeedProvider extends GenericProvider {
  readonly #key: KeyObject;
  readonly #appId: string;

  constructor(options: SignedFeedOptions, updater: AppUpdater, runtimeOptions: ProviderRuntimeOptions) {
    super(
      {
        provider: 'generic',
        url: options.url,
        channel: options.channel ?? null,
        useMultipleRangeRequest: options.useMultipleRangeRequest,
      },
      updater,
      {
        ...runtimeOptions,
        isUseMultipleRangeRequest: options.useMultipleRangeRequest !== false,
      },
    );
    this.#key = options.feedKey;
    this.#appId = options.appId;
  }

  protected override async httpRequest(
    url: URL,
    headers?: OutgoingHttpHeaders | null,
    cancellationToken?: CancellationToken,
  ): Promise<string | null> {
    const content = await super.httpRequest(url, headers, cancellationToken);
    const fileName = decodeURIComponent(url.pathname.slice(url.pathname.lastIndexOf('/') + 1));
    const signatureUrl = new URL(url.href);
    signatureUrl.pathname += FEED_SIGNATURE_SUFFIX;
    let signature: string | null;
    try {
      signature = await super.httpRequest(signatureUrl, headers, cancellationToken);
    } catch (error) {
      if ((error as { statusCode?: unknown }).statusCode !== 404) throw error;
      signature = null;
    }
    // The executor decoded the body as UTF-8; re-encoding gives the served bytes back (invalid UTF-8 would not
    // survive the round trip, and then fails the signature, as it should).
    verifyFeed({
      key: this.#key,
      appId: this.#appId,
      fileName,
      content: Buffer.from(content ?? '', 'utf8'),
      signature,
    });
    return content;
  }
}

/** The updater surface used to switch to the signed provider. */
export interface FeedConfigurable {
  setFeedURL(options: unknown): void;
}

/**
 * Points the updater at the same server as app-update.yml, through SignedFeedProvider. `updateConfig` is that file,
 * parsed (electron-updater's own loader reads it; see updates.ts).
 */
export function useSignedFeed(
  updater: FeedConfigurable,
  updateConfig: unknown,
  { feedKey, appId }: { feedKey: KeyObject; appId: string },
): void {
  const config = updateConfig as {
    provider?: unknown;
    url?: unknown;
    channel?: unknown;
    useMultipleRangeRequest?: unknown;
  } | null;
  if (!config || config.provider !== 'generic' || typeof config.url !== 'string') {
    throw new Error(
      `app-update.yml must name a generic provider with a url (found ${JSON.stringify(config?.provider ?? null)})`,
    );
  }
  const options: SignedFeedOptions = {
    provider: 'custom',
    updateProvider: SignedFeedProvider,
    url: config.url,
    channel: typeof config.channel === 'string' ? config.channel : null,
    useMultipleRangeRequest: config.useMultipleRangeRequest !== false,
    feedKey,
    appId,
  };
  updater.setFeedURL(options);
}
