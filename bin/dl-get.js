#!/usr/bin/env node
import { main } from '../dist/commands/dl-get.js';
main();
