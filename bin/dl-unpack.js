#!/usr/bin/env node
import { main } from '../dist/commands/dl-unpack.js';
main();
