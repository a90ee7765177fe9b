#!/usr/bin/env node
import { launchBundle } from '../dist/cli/launch.js';
launchBundle(new URL('../dist/commands/stargz-ls.cjs', import.meta.url));
