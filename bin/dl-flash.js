#!/usr/bin/env node
import { main } from '../dist/commands/dl-flash.js';
main();
