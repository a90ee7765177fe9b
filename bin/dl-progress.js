#!/usr/bin/env node
import { launch } from '../dist/cli/launch.js';
launch(() => import('../dist/commands/dl-progress.js'));
