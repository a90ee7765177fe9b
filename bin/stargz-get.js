#!/usr/bin/env node
import { main } from '../dist/commands/stargz-get.js';
main();
