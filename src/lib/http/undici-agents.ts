/**
 * undici's Agent, EnvHttpProxyAgent and request API, without undici's index: that loads all
 * of undici at start (fetch, WebSocket, caches, mocks; ~150 modules evaluated), and its
 * cookie module touches globalThis.Headers, which makes Node load its own copy of undici as
 * well: ~60 ms of CPU at every start of a networked command, for nothing it uses.
 */
import type * as Undici from 'undici';
// @ts-expect-error undici ships no types for its internal modules; typed below.
import AgentImpl from 'undici/lib/dispatcher/agent.js';
// @ts-expect-error as above
import DispatcherImpl from 'undici/lib/dispatcher/dispatcher.js';
// @ts-expect-error as above
import EnvHttpProxyAgentImpl from 'undici/lib/dispatcher/env-http-proxy-agent.js';
// @ts-expect-error as above
import api from 'undici/lib/api/index.js';
// @ts-expect-error as above
import buildConnectorImpl from 'undici/lib/core/connect.js';

// What undici's index does to give every dispatcher request(), stream(), pipeline()…
Object.assign((DispatcherImpl as { prototype: object }).prototype, api);

export const Agent = AgentImpl as typeof Undici.Agent;
export const EnvHttpProxyAgent = EnvHttpProxyAgentImpl as typeof Undici.EnvHttpProxyAgent;
export const buildConnector = buildConnectorImpl as typeof Undici.buildConnector;
