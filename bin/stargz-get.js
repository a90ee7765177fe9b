#!/usr/bin/env node
import { launchBundle } from '../dist/cli/launch.js';
launchBundle(new URL('../dist/commands/stargz-get.cjs', import.meta.url));
