#!/bin/sh
':' //; [ -z "$NODE_EXTRA_CA_CERTS" ] || { export DLKIT_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS"; unset NODE_EXTRA_CA_CERTS; }; exec node "$0" "$@"
// A shell line, then JavaScript: NODE_EXTRA_CA_CERTS is read at the first TLS connection (src/cli/launch.ts).
import { launchBundle } from '../dist/cli/launch.js';
launchBundle(new URL('../dist/commands/dl-unpack.cjs', import.meta.url));
