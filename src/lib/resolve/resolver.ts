import type { Dispatcher } from 'undici';

/** Where a `scheme://…` name really lives, and the token that opens it. */
export interface ResolvedSource {
  url: string;
  /** Sent as `Authorization: Bearer …`, to the resolved URL's origin only. */
  bearer?: string;
}

export interface ResolveContext {
  env: Readonly<Record<string, string | undefined>>;
  dispatcher: Dispatcher;
  signal: AbortSignal;
}

/** One URL scheme dl-get understands beyond http(s); new schemes slot in as one file each. */
export interface Resolver {
  scheme: string;
  resolve(name: string, ctx: ResolveContext): Promise<ResolvedSource>;
}
