/**
 * InProcessBus against the shared bus conformance suite.
 */
import { busConformanceSuite } from './bus-conformance.ts';
import { InProcessBus } from './in-process-bus.ts';

busConformanceSuite('InProcessBus', () => Promise.resolve(new InProcessBus()));
