#!/usr/bin/env node
import { main } from '../dist/commands/stargz-ls.js';
main();
