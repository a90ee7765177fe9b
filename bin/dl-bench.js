#!/bin/sh
':' //; [ -z "$NODE_EXTRA_CA_CERTS" ] || { export DLKIT_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS"; unset NODE_EXTRA_CA_CERTS; }; exec node "$0" "$@"
// A shell line, then CommonJS (bin/package.json): NODE_EXTRA_CA_CERTS is read at the first TLS connection (src/cli/launch.ts).
require('../dist/cli/launch.cjs').launchBundle(`${__dirname}/../dist/commands/dl-bench.cjs`);
