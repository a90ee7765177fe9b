import { pathToFileURL } from 'node:url';

declare const __filename: string;

/** import.meta.url in the CommonJS command bundles (injected by tsup.config.ts). */
export const importMetaUrl = pathToFileURL(__filename).href;
