#!/usr/bin/env node
import { main } from '../dist/commands/dl-bench.js';
main();
