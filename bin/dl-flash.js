#!/usr/bin/env node
import { launchBundle } from '../dist/cli/launch.js';
launchBundle(new URL('../dist/commands/dl-flash.cjs', import.meta.url));
