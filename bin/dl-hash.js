#!/usr/bin/env node
import { main } from '../dist/commands/dl-hash.js';
main();
