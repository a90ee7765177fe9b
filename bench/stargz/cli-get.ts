// The stargz-get CLI, bundled by run.mjs so timings do not depend on dist/.
import { main } from '../../src/commands/stargz-get.js';

main();
