/**
 * VAEKIT_TEST_FULL=1 (as .ci/run sets it): the whole suite, with the checks that repeat a path `npm test`
 * already covers on a slower engine (every kind on WebGPU, the app on WebGL), which would take a developer's
 * run past a few minutes. Without it those tests skip, saying so.
 */
export const FULL = process.env.VAEKIT_TEST_FULL === '1';

/** The skip reason of a check that runs with VAEKIT_TEST_FULL=1 only. */
export function fullOnly(what: string): string | false {
  return FULL ? false : `${what}: runs with VAEKIT_TEST_FULL=1 (as CI sets it)`;
}
